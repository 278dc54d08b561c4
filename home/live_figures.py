"""Figures the public site reads from the CRM at render time.

member_count() is cached: the campaign page is hot and the count changes only when a membership
does, at which point home.cache forgets it (receivers connected in home/apps.py).
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.core.cache import cache
from django.utils import timezone

MEMBER_COUNT_CACHE_KEY = "live_figures:member_count"
# An hour at most; the cached date is also checked, so the "as of" date never shows yesterday.
MEMBER_COUNT_TTL = 60 * 60


def member_count() -> tuple[int, datetime.date] | None:
    """The number of active monthly donors ("WELgee family") and the date it was counted."""
    today = timezone.localdate()
    cached = cache.get(MEMBER_COUNT_CACHE_KEY)
    if cached is not None and cached[1] == today:
        return cached
    donors = apps.get_model("crm", "Donor").objects
    figures = (donors.members().count(), today)
    cache.set(MEMBER_COUNT_CACHE_KEY, figures, MEMBER_COUNT_TTL)
    return figures


def member_count_forget() -> None:
    cache.delete(MEMBER_COUNT_CACHE_KEY)
