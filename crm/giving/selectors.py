"""Headline figures about giving."""

from __future__ import annotations

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from crm.giving.models import RecurringDonation


def monthly_recurring_revenue(*, currency: str = "JPY") -> int:
    """Monthly recurring revenue of active recurring donations; yearly ones count as a twelfth."""
    sums = (
        RecurringDonation.objects.active()
        .filter(currency=currency)
        .aggregate(
            monthly=Coalesce(Sum("amount", filter=Q(interval="month")), 0),
            yearly=Coalesce(Sum("amount", filter=Q(interval="year")), 0),
        )
    )
    # Sum the yearly totals first, then divide once, so rounding does not drift with the member count.
    return int(sums["monthly"]) + int(sums["yearly"]) // 12
