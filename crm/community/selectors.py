"""How many invitations wait in each Facebook-group queue, for the counts in the CRM menu.

The admin menu is drawn on every admin page, so the figures come from the cache (one GROUP BY
query when it is cold) instead of a COUNT per queue per page. The services drop them whenever an
invitation changes status (crm.community.services.invitations._record), crm.community.receivers when a row is saved or
deleted outside the services; the short lifetime bounds what any other path (a raw UPDATE) can leave
stale.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count

CACHE_KEY = "crm:facebook_group:status_counts"
CACHE_SECONDS = 60


def invitation_status_counts() -> dict[str, int]:
    """Invitations per status, e.g. {"eligible": 12, "invited": 30}; statuses with none are absent."""
    counts = cache.get(CACHE_KEY)
    if counts is None:
        from crm.community.models import FacebookGroupInvitation

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
