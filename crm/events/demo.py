"""Demo events: an upcoming members' evening with answers (and a waiting list), a past one with
attendance, and an open talk anyone may register for through its public page (linked from the
site's menu). Called by crm.demo.load_crm_demo; keyed by title, so loading twice adds nothing.
No email is sent: invitations are recorded as they would be after the emails went out."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from wagtail.models import Site

from crm.events.models import Event, EventInvitation, EventPage
from crm.events.services import event_answer, event_check_in
from crm.segments.models import Segment

UPCOMING = "WELgee サポーター交流会 2026"
PAST = "活動報告会（オンライン同時配信）"
OPEN = "オープン・トーク「難民の若者と、ともに働く」"
OPEN_PAGE_SLUG = "events"


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


def _open_event(*, as_of: dt.datetime) -> Event:
    event = Event.objects.filter(title=OPEN).first()
    if event is not None:
        return event
    starts = (as_of + dt.timedelta(days=35)).replace(hour=14, minute=0, second=0, microsecond=0)
    return Event.objects.create(
        title=OPEN,
        title_en="Open talk: working together with young refugees",
        description="難民の若者と受け入れ企業の方が、ともに働く日々を語ります。どなたでも参加できます（無料）。",
        description_en="Young refugees and the companies that hired them talk about working together. Free, open to all.",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1, minutes=30),
        place="渋谷区内の会議室",
        place_en="A meeting room in Shibuya, Tokyo",
        online_url="https://example.org/welgee-open-talk",
        capacity=80,
        max_guests=2,
        is_open=True,
        status=Event.Status.OPEN,
    )


@transaction.atomic
def load_open_event_page(*, as_of: dt.datetime) -> EventPage | None:
    """The open talk's public page under the home page, in the menu, in Japanese and English.

    Needs the demo site (load_demo_data builds it first); without a home page there is nowhere to put it.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None or site.root_page.depth < 2:
        return None
    home = site.root_page.specific
    event = _open_event(as_of=as_of)
    page = EventPage.objects.filter(event=event, locale=home.locale).first()
    if page is None:
        page = EventPage(
            title="イベント",
            slug=OPEN_PAGE_SLUG,
            event=event,
            intro="<p>WELgee の公開イベントです。どなたでもこのページから申し込めます。</p>",
            show_in_menus=True,
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    for translated_home in home.get_translations():
        if EventPage.objects.filter(event=event, locale=translated_home.locale).exists():
            continue
        copy = page.copy_for_translation(translated_home.locale)
        if translated_home.locale.language_code == "en":
            copy.title = "Events"
            copy.intro = "<p>A WELgee event open to everyone: register on this page.</p>"
        copy.save_revision().publish()
    return page
