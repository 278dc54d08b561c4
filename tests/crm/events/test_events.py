"""Members-only events: invitations, personal links, answers, waiting list, reminders, cancelling,
check-in, attendance on the timeline and in segments, and emails sent once."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.signing import dumps
from django.urls import reverse

from crm.events.selectors import seats_taken
from crm.events.services import (
    EventError,
    EventLinkError,
    answer_token,
    event_answer,
    event_cancel,
    event_check_in,
    event_check_in_undo,
    event_email_send,
    event_invite,
    event_reminders_send,
    invitation_from_token,
)
from crm.factories import DonorFactory
from crm.models import Donor, Event, EventEmail, EventInvitation, Interaction, Segment
from crm.segments.rules import donors_matching

pytestmark = pytest.mark.django_db

JST = datetime.timezone(datetime.timedelta(hours=9))
NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=JST)
Answer = EventInvitation.Answer


def everyone_tagged(tag: str) -> Segment:
    return Segment.objects.create(
        name=tag,
        slug=tag,
        rules=[{"type": "rule", "value": {"field": "tag", "operator": "has_any", "value": tag}}],
    )


@pytest.fixture
def members():
    donors = [DonorFactory(preferred_language="ja") for _ in range(3)] + [
        DonorFactory(preferred_language="en")
    ]
    for donor in donors:
        donor.tags.add("member")
    outsider = DonorFactory()
    return donors, outsider


@pytest.fixture
def event(members):
    return Event.objects.create(
        title="サポーター交流会",
        title_en="Supporters' evening",
        starts_at=datetime.datetime(2026, 6, 20, 18, 30, tzinfo=JST),
        ends_at=datetime.datetime(2026, 6, 20, 20, 30, tzinfo=JST),
        place="WELgee 事務所（東京都渋谷区）",
        place_en="WELgee office, Shibuya",
        capacity=4,
        max_guests=2,
        audience=everyone_tagged("member"),
    )


def invite(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return event_invite(event=event, now=NOW)


def link_of(message) -> str:
    return re.search(r"http://testserver(/event-answer/[^/\s]+/)", message.body).group(1)


@time_machine.travel(NOW, tick=False)
def test_invitations_go_once_in_each_donors_language(event, members, django_capture_on_commit_callbacks):
    donors, outsider = members
    result = invite(event, django_capture_on_commit_callbacks)
    assert result.invited == 4  # the outsider is not in the audience segment
    assert not EventInvitation.objects.filter(donor=outsider).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(d.email for d in donors)
    english = next(m for m in mail.outbox if m.to == [donors[3].email])
    japanese = next(m for m in mail.outbox if m.to == [donors[0].email])
    assert english.subject == "Invitation: Supporters' evening"
    assert "WELgee office, Shibuya" in english.body
    assert japanese.subject == "ご招待：サポーター交流会"  # from the Japanese catalog
    assert "WELgee 事務所" in japanese.body and "（日本時間）" in japanese.body
    # Inviting again invites nobody twice.
    assert invite(event, django_capture_on_commit_callbacks).invited == 0
    assert len(mail.outbox) == 4
    event.refresh_from_db()
    assert event.status == Event.Status.OPEN


def test_an_email_is_recorded_before_sending_and_never_sent_twice(event, members):
    donor = members[0][0]
    invitation = EventInvitation.objects.create(event=event, donor=donor)
    assert event_email_send(invitation_id=invitation.pk, kind="invitation") is True
    assert event_email_send(invitation_id=invitation.pk, kind="invitation") is False
    assert len(mail.outbox) == 1
    record = EventEmail.objects.get(invitation=invitation)
    assert record.sent_at is not None


@time_machine.travel(NOW, tick=False)
def test_the_personal_link_answers_without_login_and_expires_after_the_event(
    client, event, members, django_capture_on_commit_callbacks
):
    invite(event, django_capture_on_commit_callbacks)
    donor = members[0][0]
    url = link_of(next(m for m in mail.outbox if m.to == [donor.email]))
    page = client.get(url)
    assert page.status_code == 200 and "サポーター交流会" in page.content.decode()
    response = client.post(url, {"answer": "yes", "guests": "1"})
    assert response.status_code == 302
    invitation = EventInvitation.objects.get(event=event, donor=donor)
    assert (invitation.answer, invitation.guests) == (Answer.YES, 1)
    with time_machine.travel(datetime.datetime(2026, 6, 20, 21, 0, tzinfo=JST), tick=False):
        assert client.get(url).status_code == 410
    forged = reverse(
        "crm_event_answer", kwargs={"token": dumps({"i": invitation.pk, "e": event.pk}, salt="other")}
    )
    assert client.get(forged).status_code == 410


def test_token_names_only_its_own_invitation(event, members):
    invitation = EventInvitation.objects.create(event=event, donor=members[0][0])
    with time_machine.travel(NOW, tick=False):
        assert invitation_from_token(answer_token(invitation)) == invitation
        with pytest.raises(EventLinkError):
            invitation_from_token(answer_token(invitation) + "x")


@time_machine.travel(NOW, tick=False)
def test_full_event_offers_the_waiting_list_and_a_freed_place_moves_the_first_up(
    event, members, django_capture_on_commit_callbacks
):
    donors, _outsider = members
    a, b, c, d = (EventInvitation.objects.create(event=event, donor=x) for x in donors)
    event_answer(invitation=a, answer="yes", guests=2)  # 3 seats of 4
    assert event_answer(invitation=b, answer="yes", guests=1).waitlisted  # 2 would not fit
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        assert event_answer(invitation=c, answer="yes").waitlisted  # fits, but b is queued first
    assert event_answer(invitation=d, answer="no").invitation.answer == Answer.NO
    assert seats_taken(event) == 3
    with django_capture_on_commit_callbacks(execute=True):
        result = event_answer(invitation=a, answer="no")
    # Four seats free: b (2 seats) then c (1 seat) move up, in the order they joined the queue.
    assert [i.donor_id for i in result.promoted] == [b.donor_id, c.donor_id]
    assert seats_taken(event) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted([b.donor.email, c.donor.email])
    assert {m.subject for m in mail.outbox} == {"ご参加確定：サポーター交流会"}


def test_guests_are_capped_and_answers_checked(event, members):
    invitation = EventInvitation.objects.create(event=event, donor=members[0][0])
    assert event_answer(invitation=invitation, answer="yes", guests=9).invitation.guests == 2
    with pytest.raises(EventError):
        event_answer(invitation=invitation, answer="perhaps")


@time_machine.travel(NOW, tick=False)
def test_reminder_goes_the_day_before_to_yes_answers_once(event, members, django_capture_on_commit_callbacks):
    donors, _ = members
    yes, maybe = (EventInvitation.objects.create(event=event, donor=x) for x in donors[:2])
    event_answer(invitation=yes, answer="yes")
    event_answer(invitation=maybe, answer="maybe")
    Event.objects.filter(pk=event.pk).update(status=Event.Status.OPEN)
    with django_capture_on_commit_callbacks(execute=True):
        assert event_reminders_send() == 0  # 19 days early
    day_before = datetime.datetime(2026, 6, 19, 10, 0, tzinfo=JST)
    with django_capture_on_commit_callbacks(execute=True):
        assert event_reminders_send(now=day_before) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert event_reminders_send(now=day_before + datetime.timedelta(hours=1)) == 0
    assert [m.to for m in mail.outbox] == [[yes.donor.email]]


def test_scheduled_reminder_task_is_in_the_schedule():
    from crm import schedule as tasks_schedule

    assert tasks_schedule.EVENT_REMINDERS == "0 10 * * *"
    assert tasks_schedule.event_reminders_scheduled_task.call() == 0


@time_machine.travel(NOW, tick=False)
def test_cancelling_tells_everyone_who_said_yes(event, members, django_capture_on_commit_callbacks):
    donors, _ = members
    yes, no, waiting = (EventInvitation.objects.create(event=event, donor=x) for x in donors[:3])
    event_answer(invitation=yes, answer="yes", guests=2)
    event_answer(invitation=no, answer="no")
    event_answer(invitation=waiting, answer="yes", guests=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert event_cancel(event=event) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([yes.donor.email, waiting.donor.email])
    assert all("cancelled" in m.subject.lower() or "中止" in m.subject for m in mail.outbox)
    with pytest.raises(EventError):
        event_answer(invitation=no, answer="yes")
    with pytest.raises(EventError):
        event_cancel(event=event)


@time_machine.travel(NOW, tick=False)
def test_check_in_puts_attendance_on_the_timeline_and_in_segments(event, members, django_user_model):
    donor = members[0][0]
    staff = django_user_model.objects.create_user(username="door", password="x")
    invitation = EventInvitation.objects.create(event=event, donor=donor)
    event_answer(invitation=invitation, answer="yes")
    with time_machine.travel(datetime.datetime(2026, 6, 20, 18, 40, tzinfo=JST), tick=False):
        assert event_check_in(invitation=invitation, user=staff) is True
        assert event_check_in(invitation=invitation, user=staff) is False
    assert (
        Interaction.objects.filter(donor=donor, kind="event", summary="Attended: サポーター交流会").count()
        == 1
    )
    rule = {
        "match": "all",
        "rules": [{"field": "attended_event", "operator": "within_months", "value": "12"}],
    }
    assert set(donors_matching(rule, today=datetime.date(2026, 7, 1))) == {donor}
    assert not donors_matching(rule, today=datetime.date(2027, 7, 1)).exists()
    since = datetime.datetime(2026, 6, 1, tzinfo=JST)
    assert set(Interaction.objects.event_attendances(since=since).values_list("donor_id", flat=True)) == {
        donor.pk
    }
    assert event_check_in_undo(invitation=invitation) is True
    assert not Interaction.objects.filter(donor=donor, kind="event").exists()


def test_erased_donors_lose_their_link(event, members):
    invitation = EventInvitation.objects.create(event=event, donor=members[0][0])
    Donor.objects.filter(pk=invitation.donor_id).update(erased_at=NOW)
    with time_machine.travel(NOW, tick=False), pytest.raises(EventLinkError):
        invitation_from_token(answer_token(invitation))


@time_machine.travel(NOW, tick=False)
def test_open_event_page_registers_a_visitor(client, event, django_capture_on_commit_callbacks):
    from wagtail.models import Page

    from crm.models import EventPage

    event.is_open = True
    event.save()
    root = Page.get_first_root_node()
    home = root.get_children().first() or root
    page = home.add_child(instance=EventPage(title="交流会のご案内", slug="supporters-evening", event=event))
    url = page.url
    assert "サポーター交流会" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"family_name": "新井", "given_name": "葵", "email": "Aoi@Example.org", "guests": "0"}
        )
    assert response.status_code == 200
    donor = Donor.objects.get(email="aoi@example.org")
    assert EventInvitation.objects.get(event=event, donor=donor).answer == Answer.YES
    assert [m.to for m in mail.outbox] == [["aoi@example.org"]]


@time_machine.travel(NOW, tick=False)
def test_the_answer_page_speaks_the_donors_language(client, event, members):
    english, japanese = members[0][3], members[0][0]
    for donor, expected in ((english, "Yes, I will come"), (japanese, "参加する")):
        invitation = EventInvitation.objects.create(event=event, donor=donor)
        url = reverse("crm_event_answer", kwargs={"token": answer_token(invitation)})
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ja" if donor is english else "en")
        assert expected in response.content.decode()
        assert response["Content-Language"] == donor.preferred_language
