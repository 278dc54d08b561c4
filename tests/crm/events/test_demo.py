"""The demo data of issue 16: a past mailing, an upcoming event with answers, a past event with attendance."""

import pytest
from django.utils import timezone

from crm.demo import load_crm_demo
from crm.models import Event, EventEmail, EventInvitation, Interaction, Mailing

pytestmark = pytest.mark.django_db


def test_demo_has_a_past_mailing_and_events_and_loads_twice_alike():
    load_crm_demo(stdout=None)
    mailing = Mailing.objects.get()
    assert mailing.is_final and mailing.piece_count > 50 and mailing.sent_on < timezone.localdate()
    # One "post" row per recipient of the mailing (the demo's returned envelope is a row of its own).
    sent = Interaction.objects.filter(kind="post", summary__contains=mailing.title)
    assert sent.count() == mailing.donor_count
    upcoming = Event.objects.get(starts_at__gt=timezone.now(), is_open=False)  # the open talk is the other
    answers = set(EventInvitation.objects.filter(event=upcoming).values_list("answer", flat=True))
    assert {"yes", "no", "maybe", "waiting"} <= answers
    past = Event.objects.get(starts_at__lt=timezone.now())
    attended = EventInvitation.objects.filter(event=past, checked_in_at__isnull=False).count()
    assert attended == 17 == Interaction.objects.filter(kind="event", summary__contains=past.title).count()
    assert not EventEmail.objects.exists()  # the demo sends nobody an email
    before = (
        Mailing.objects.count(),
        Event.objects.count(),
        EventInvitation.objects.count(),
        Interaction.objects.count(),
    )
    load_crm_demo(stdout=None)
    assert before == (
        Mailing.objects.count(),
        Event.objects.count(),
        EventInvitation.objects.count(),
        Interaction.objects.count(),
    )
