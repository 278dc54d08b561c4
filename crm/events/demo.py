"""Demo events: an upcoming members' evening with answers (and a waiting list), a past one with
attendance. Called by crm.demo.load_crm_demo; keyed by title, so loading twice adds nothing.
No email is sent: invitations are recorded as they would be after the emails went out."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from crm.events.models import Event, EventInvitation
from crm.events.services import event_answer, event_check_in
from crm.segments.models import Segment

UPCOMING = "WELgee サポーター交流会 2026"
PAST = "活動報告会（オンライン同時配信）"


def members_segment() -> Segment:
    segment, _created = Segment.objects.get_or_create(
        slug="demo-monthly-members",
        defaults={
            "name": "継続サポーター（全員）",
            "description": "毎月のご寄付をいただいている方全員",
            "rules": [
                {"type": "rule", "value": {"field": "membership", "operator": "is", "value": "member"}}
            ],
            "push_to_mailchimp": False,
        },
    )
    return segment


def _invite(event: Event, donors, *, when: dt.datetime) -> list[EventInvitation]:
    EventInvitation.objects.bulk_create(
        [EventInvitation(event=event, donor=d, created_at=when) for d in donors], ignore_conflicts=True
    )
    return list(EventInvitation.objects.filter(event=event).select_related("donor").order_by("donor_id"))


@transaction.atomic
def load_events_demo(*, as_of: dt.datetime) -> None:
    segment = members_segment()
    members = list(segment.donors().filter(email__isnull=False).order_by("pk")[:60])
    if not members:
        return
    if not Event.objects.filter(title=UPCOMING).exists():
        starts = (as_of + dt.timedelta(days=21)).replace(hour=18, minute=30, second=0, microsecond=0)
        event = Event.objects.create(
            title=UPCOMING,
            title_en="WELgee supporters' evening 2026",
            description="難民等の若者たちと、継続サポーターの皆さまが語り合う夕べです。軽食をご用意します。",
            description_en="An evening for monthly supporters to meet young refugees we work with. Light food.",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            place="WELgee 事務所（東京都）",
            place_en="WELgee office, Tokyo",
            capacity=30,
            max_guests=1,
            audience=segment,
            status=Event.Status.OPEN,
        )
        invitations = _invite(event, members[:40], when=as_of - dt.timedelta(days=7))
        answers = ["yes"] * 24 + ["no"] * 5 + ["maybe"] * 4 + ["yes"] * 4
        for n, (invitation, answer) in enumerate(zip(invitations, answers, strict=False)):
            event_answer(
                invitation=invitation,
                answer=answer,
                guests=1 if answer == "yes" and n % 4 == 0 else 0,
                now=as_of - dt.timedelta(days=6, hours=-n),
            )
    if not Event.objects.filter(title=PAST).exists():
        starts = (as_of - dt.timedelta(days=75)).replace(hour=19, minute=0, second=0, microsecond=0)
        event = Event.objects.create(
            title=PAST,
            title_en="Annual report evening (also online)",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1, minutes=30),
            place="渋谷区内の会議室",
            online_url="https://example.org/welgee-report-live",
            capacity=50,
            audience=segment,
            status=Event.Status.OPEN,
        )
        invitations = _invite(event, members[20:60], when=starts - dt.timedelta(days=30))
        for n, invitation in enumerate(invitations[:22]):
            event_answer(invitation=invitation, answer="yes", now=starts - dt.timedelta(days=20 - n % 10))
        for n, invitation in enumerate(invitations[:17]):
            event_check_in(invitation=invitation, now=starts + dt.timedelta(minutes=n))
