"""The admin-home panel's lists of what happened lately."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from crm.giving.models import Donation, RecurringDonation
from crm.reports.selectors.periods import RECENT, Status, aware

# --- the admin-home panel's lists ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PanelActivity:
    """What happened lately, for the admin-home panel: four short lists, four queries."""

    recent_gifts: list[Donation]
    new_members: list[RecurringDonation]
    lost_members: list[RecurringDonation]
    failed_payments: list[Donation]


def panel_activity(*, today: datetime.date, days: int = 30, limit: int = RECENT) -> PanelActivity:
    since = aware(today - datetime.timedelta(days=days))
    until = aware(today + datetime.timedelta(days=1))
    donor_fields = ("donor__family_name", "donor__given_name", "donor__email", "donor__erased_at")

    def gifts(status: str) -> list[Donation]:
        return list(
            Donation.objects.filter(status=status, received_at__gte=since, received_at__lt=until)
            .select_related("donor")
            .only("amount", "currency", "received_at", "method", "recurring_donation", "donor", *donor_fields)
            .order_by("-received_at", "-pk")[:limit]
        )

    memberships = RecurringDonation.objects.select_related("donor").only(
        "amount", "currency", "interval", "started_at", "canceled_at", "status", "donor", *donor_fields
    )
    return PanelActivity(
        recent_gifts=gifts(Donation.Status.SUCCEEDED),
        failed_payments=gifts(Donation.Status.FAILED),
        new_members=list(
            memberships.exclude(status=Status.INCOMPLETE)
            .filter(started_at__gte=since, started_at__lt=until)
            .order_by("-started_at", "-pk")[:limit]
        ),
        lost_members=list(
            memberships.filter(
                status=Status.CANCELED, canceled_at__gte=since, canceled_at__lt=until
            ).order_by("-canceled_at", "-pk")[:limit]
        ),
    )
