"""Read logic of the Facebook-group queue: the queues and their look-ups, and how many invitations
wait in each, for the counts in the CRM menu.

The admin menu is drawn on every admin page, so the figures come from the cache (one GROUP BY
query when it is cold) instead of a COUNT per queue per page. The services drop them whenever an
invitation changes status (crm.community.services.invitations._record), crm.community.receivers when a row is saved or
deleted outside the services; the short lifetime bounds what any other path (a raw UPDATE) can leave
stale.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from crm.community.models import FacebookGroupInvitation
from crm.donors.models import Donor

CACHE_KEY = "crm:facebook_group:status_counts"
CACHE_SECONDS = 60


def invitation_status_counts() -> dict[str, int]:
    """Invitations per status, e.g. {"eligible": 12, "invited": 30}; statuses with none are absent."""
    counts = cache.get(CACHE_KEY)
    if counts is None:
        counts = dict(
            FacebookGroupInvitation.objects.order_by().values_list("status").annotate(n=Count("pk"))
        )
        cache.set(CACHE_KEY, counts, CACHE_SECONDS)
    return counts


def invitation_queue_count(*, statuses: Iterable[str]) -> int:
    counts = invitation_status_counts()
    return sum(counts.get(str(status), 0) for status in statuses)


def invitation_status_counts_forget() -> None:
    cache.delete(CACHE_KEY)


def invitation_status_counts_changed() -> None:
    """Call where invitations change: forget now (this connection sees its own write) and again after
    commit (a request reading between the write and the commit may have cached the old figures)."""
    invitation_status_counts_forget()
    transaction.on_commit(invitation_status_counts_forget)


def invitation_queue(*, statuses: Iterable[str], age_field: str) -> QuerySet[FacebookGroupInvitation]:
    """A queue's invitations, the one waiting longest (by `age_field`) first."""
    return (
        FacebookGroupInvitation.objects.filter(status__in=list(statuses))
        .select_related("donor")
        .order_by(age_field, "pk")
    )


def invitations_unchanged_for(
    invitations: QuerySet[FacebookGroupInvitation], *, days: int, field: str = "status_changed_at"
) -> QuerySet[FacebookGroupInvitation]:
    """Those whose `field` (a date the queue ages by) is at least `days` days old."""
    return invitations.filter(**{f"{field}__lte": timezone.now() - datetime.timedelta(days=days)})


def invitations_matching(
    invitations: QuerySet[FacebookGroupInvitation], term: str
) -> QuerySet[FacebookGroupInvitation]:
    """By the join code (exactly, as the person types it in the group's question) or the donor's
    name, kana or email."""
    term = term.strip()
    return invitations.filter(join_code__iexact=term) | invitations.filter(
        donor__in=Donor.objects.search(term)
    )


def invitation_join_codes(*, invitation_ids: Iterable[int]) -> dict[int, str]:
    """Join codes by invitation id: the queue names failed sends by their code."""
    return dict(
        FacebookGroupInvitation.objects.filter(pk__in=list(invitation_ids)).values_list("pk", "join_code")
    )
