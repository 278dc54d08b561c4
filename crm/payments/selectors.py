"""Read logic of payments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from crm.donors.models import Donor
from crm.giving.models import Donation, RecurringDonation
from crm.payments.models import CardExpiryReminder, PaymentCard, PaymentRecovery, RecoveryEmail, StripeEvent

# The reminders after a failed renewal: (step, days after the first failure). Stripe's Smart
# Retries try again over about a week; the last reminder goes before its last attempts.
FOLLOW_UPS: tuple[tuple[str, int], ...] = ((RecoveryEmail.Step.DAY_3, 3), (RecoveryEmail.Step.DAY_7, 7))


def donation_for_thank_you(*, donation_id: int) -> Donation | None:
    """The gift with its donor, or None when it was deleted before the task ran."""
    return Donation.objects.select_related("donor").filter(pk=donation_id).first()


def stripe_events_waiting_for(*, subscription_id: str) -> list[int]:
    """Ids of subscription events stored before their subscription was known, oldest first."""
    waiting = StripeEvent.objects.filter(
        status=StripeEvent.Status.PENDING,
        type__startswith="customer.subscription.",
        payload__data__object__id=subscription_id,
    ).order_by("created", "pk")
    return list(waiting.values_list("pk", flat=True))


def recovery_followups_due(*, now: dt.datetime) -> list[tuple[int, str]]:
    """(failed payment id, step) of every reminder due by ``now`` and not yet sent, oldest first.

    Only the latest step due is sent: a recovery first seen on day 8 gets the last reminder, not
    two emails at once.
    """
    due: list[tuple[int, str]] = []
    open_ones = PaymentRecovery.objects.filter(status=PaymentRecovery.Status.OPEN).order_by("failed_at", "pk")
    for step, days in reversed(FOLLOW_UPS):
        later_steps = [s for s, d in FOLLOW_UPS if d >= days]
        rows = open_ones.filter(failed_at__lte=now - dt.timedelta(days=days)).exclude(
            Exists(RecoveryEmail.objects.filter(recovery=OuterRef("pk"), step__in=later_steps))
        )
        taken = {pk for pk, _ in due}
        due += [(pk, step) for pk in rows.values_list("pk", flat=True) if pk not in taken]
    return due


def month_after(day: dt.date, months: int = 1) -> tuple[int, int]:
    """(year, month) ``months`` after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def members_cards_expiring(*, today: dt.date, months: tuple[int, ...] = (1,)) -> QuerySet[PaymentCard]:
    """Cards of active members that expire at the end of the given months from now (1 = next month)."""
    expiry = Q(pk__in=[])
    for offset in months:
        year, month = month_after(today, offset)
        expiry |= Q(exp_year=year, exp_month=month)
    members = Donor.objects.filter(
        stripe_customer_id=OuterRef("customer_id"),
        erased_at__isnull=True,
        recurring_donations__status=RecurringDonation.Status.ACTIVE,
    )
    return PaymentCard.objects.filter(expiry).filter(Exists(members))


def cards_expiring_reminders_due(*, today: dt.date) -> list[tuple[PaymentCard, Donor]]:
    """Members' cards expiring this month or next, with their donor, not yet reminded."""
    cards = list(members_cards_expiring(today=today, months=(0, 1)))
    donors = {
        d.stripe_customer_id: d
        for d in Donor.objects.filter(stripe_customer_id__in=[c.customer_id for c in cards]).exclude(email="")
    }
    reminded = set(
        CardExpiryReminder.objects.filter(customer_id__in=list(donors)).values_list(
            "customer_id", "exp_year", "exp_month"
        )
    )
    return [
        (c, donors[c.customer_id])
        for c in cards
        if c.customer_id in donors and (c.customer_id, c.exp_year, c.exp_month) not in reminded
    ]


@dataclass(frozen=True)
class RecoveryMonth:
    month: dt.date
    failed: int
    recovered: int
    lost: int

    @property
    def open(self) -> int:
        return self.failed - self.recovered - self.lost

    @property
    def rate(self) -> float | None:
        """Recovered / failed, or None for a month without failures."""
        return self.recovered / self.failed if self.failed else None


def recovery_by_month(*, start: dt.datetime, end: dt.datetime) -> list[RecoveryMonth]:
    """Failed renewals by the month they first failed (in [start, end)), and how many were recovered."""
    rows = (
        PaymentRecovery.objects.filter(failed_at__gte=start, failed_at__lt=end)
        .annotate(month=TruncMonth("failed_at"))
        .values("month")
        .annotate(
            failed=Count("pk"),
            recovered=Count("pk", filter=Q(status=PaymentRecovery.Status.RECOVERED)),
            lost=Count("pk", filter=Q(status=PaymentRecovery.Status.LOST)),
        )
        .order_by("month")
    )
    return [
        RecoveryMonth(
            month=r["month"].date() if isinstance(r["month"], dt.datetime) else r["month"],
            failed=r["failed"],
            recovered=r["recovered"],
            lost=r["lost"],
        )
        for r in rows
    ]


def recovery_rate(*, start: dt.datetime, end: dt.datetime) -> RecoveryMonth:
    """The whole period's failures and recoveries in one figure (month: the period's start)."""
    months = recovery_by_month(start=start, end=end)
    return RecoveryMonth(
        month=start.date(),
        failed=sum(m.failed for m in months),
        recovered=sum(m.recovered for m in months),
        lost=sum(m.lost for m in months),
    )
