"""Read logic of events: seats, the waiting list, the door's check-in list.

Who attended is read from the timeline (``Interaction.objects.event_attendances``), where a
check-in writes it: one definition for the segment rule and the donor's record.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from crm.donors.models import Donor
from crm.events.models import Event, EventInvitation

Answer = EventInvitation.Answer


def seats_taken(event: Event) -> int:
    """Seats held by "yes" answers: each donor and their guests."""
    taken = EventInvitation.objects.filter(event=event, answer=Answer.YES).aggregate(
        n=Count("pk"), guests=Sum("guests")
    )
    return (taken["n"] or 0) + (taken["guests"] or 0)


def seats_left(event: Event) -> int | None:
    """Free seats, or None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - seats_taken(event))


def waiting_list(event: Event) -> QuerySet:
    """Donors waiting for a seat, first come first served."""
    return (
        EventInvitation.objects.filter(event=event, answer=Answer.WAITING)
        .select_related("donor")
        .order_by("waitlisted_at", "pk")
    )


def answer_counts(event: Event) -> dict[str, int]:
    counts = dict.fromkeys(Answer.values, 0)
    for row in EventInvitation.objects.filter(event=event).values("answer").annotate(n=Count("pk")):
        counts[row["answer"]] = row["n"]
    return counts


def check_in_list(event: Event, *, query: str = "") -> QuerySet:
    """Who is expected at the door ("yes"; checked-in donors stay listed), found by name, kana or email."""
    qs = (
        EventInvitation.objects.filter(event=event, answer=Answer.YES)
        .select_related("donor")
        .order_by("donor__family_name_kana", "donor__given_name_kana", "pk")
    )
    if query.strip():
        qs = qs.filter(donor__in=Donor.objects.search(query))
    return qs


def events_starting_on(day: datetime.date) -> QuerySet:
    """Events (not cancelled, invitations out) that start on this Japanese calendar day."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return Event.objects.filter(
        status=Event.Status.OPEN, starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1)
    )


def upcoming_open_events(*, now: datetime.datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    return Event.objects.filter(is_open=True, starts_at__gte=now).exclude(status=Event.Status.CANCELLED)
