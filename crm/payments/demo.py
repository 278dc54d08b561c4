"""Demo yearly members, failed renewals and cards for `load_demo_data`: two yearly members, failed
payments in every state (just failed, reminded on day 3, on day 7, recovered, lost) spread over the
last months for the recovery-rate chart, and cards on file, one expiring next month. Nothing is
emailed: the demo records the emails as sent. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext

from crm.giving.models import Donation, RecurringDonation
from crm.interactions.models import Interaction
from crm.payments.models import PaymentCard, PaymentRecovery, RecoveryEmail
from crm.payments.selectors import month_after

DEMO_INVOICE = "in_demo_"
# Days since the first failure of the past-due members' open recoveries: the reminder steps vary.
OPEN_AGES = (1, 2, 4, 5, 6, 8, 10, 12)
# (days ago, recovered?) of earlier failures, closed since, for the recovery rate by month.
CLOSED = ((20, True), (35, True), (48, False), (66, True), (80, True), (95, False), (120, True), (150, True))


def _customer(donor) -> str:
    if not donor.stripe_customer_id:
        donor.stripe_customer_id = f"cus_demo_{donor.pk}"
        donor.save(update_fields=["stripe_customer_id"])
    return donor.stripe_customer_id


def _yearly_members(members) -> int:
    """Two recent members give yearly: their one gift so far is a year's worth."""
    if members.filter(interval=RecurringDonation.Interval.YEAR).exists():
        return 0
    recent = (
        members.filter(status=RecurringDonation.Status.ACTIVE)
        .annotate(gifts=Count("donations"))
        .order_by("gifts", "-started_at")[:2]
    )
    made = 0
    for membership in recent:
        membership.amount *= 12
        membership.interval = RecurringDonation.Interval.YEAR
        membership.save(update_fields=["amount", "interval"])
        # Their gifts so far become yearly ones (the newest joiners have one or two).
        Donation.objects.filter(recurring_donation=membership).update(amount=membership.amount)
        made += 1
    return made


def _emails(recovery: PaymentRecovery, age_days: int) -> None:
    steps = [(RecoveryEmail.Step.FAILED, 0), (RecoveryEmail.Step.DAY_3, 3), (RecoveryEmail.Step.DAY_7, 7)]
    for step, day in steps:
        if age_days >= day:
            sent = recovery.failed_at + dt.timedelta(days=day, hours=1)
            RecoveryEmail.objects.create(recovery=recovery, step=step, created_at=sent, sent_at=sent)


def _recovery(membership, *, failed_at: dt.datetime, as_of: dt.datetime, status: str, closed_after: int = 0):
    recovery = PaymentRecovery.objects.create(
        recurring_donation=membership,
        donor_id=membership.donor_id,
        invoice_id=f"{DEMO_INVOICE}{membership.pk}_{failed_at:%Y%m%d}",
        amount=membership.amount,
        currency=membership.currency,
        failed_at=failed_at,
        last_failed_at=failed_at,
        attempt_count=1,
        status=status,
        next_retry_at=failed_at + dt.timedelta(days=3) if status == PaymentRecovery.Status.OPEN else None,
        closed_at=failed_at + dt.timedelta(days=closed_after) if closed_after else None,
    )
    age = (as_of - failed_at).days if status == PaymentRecovery.Status.OPEN else closed_after
    _emails(recovery, age)
    amount = {"amount": f"¥{membership.amount:,}"}
    # Timeline entries in the site's language, as the webhooks write them.
    with translation.override(settings.LANGUAGE_CODE):
        failed = gettext("Renewal payment of %(amount)s failed") % amount
        recovered = gettext("Failed payment of %(amount)s recovered") % amount
    Interaction.objects.create(
        donor_id=membership.donor_id, kind="note", happened_at=failed_at, summary=failed
    )
    if status == PaymentRecovery.Status.RECOVERED:
        Interaction.objects.create(
            donor_id=membership.donor_id, kind="note", happened_at=recovery.closed_at, summary=recovered
        )
    return recovery


def load_payments_demo(*, as_of: dt.datetime, domain: str) -> dict[str, int]:
    members = RecurringDonation.objects.filter(donor__email__endswith="@" + domain).select_related("donor")
    if not members.exists() or PaymentRecovery.objects.filter(invoice_id__startswith=DEMO_INVOICE).exists():
        return {}
    counts: dict[str, int] = {}
    with transaction.atomic():
        counts["yearly"] = _yearly_members(members)
        past_due = list(members.filter(status=RecurringDonation.Status.PAST_DUE).order_by("pk"))
        for membership, age in zip(past_due, OPEN_AGES, strict=False):
            _recovery(membership, failed_at=as_of - dt.timedelta(days=age), as_of=as_of, status="open")
            # The card that failed had run out last month.
            year, month = month_after(as_of.date(), -1)
            PaymentCard.objects.get_or_create(
                customer_id=_customer(membership.donor),
                defaults={
                    "brand": "visa",
                    "last4": "4242",
                    "exp_month": month,
                    "exp_year": year,
                    "seen_at": as_of,
                },
            )
        active = list(
            members.filter(status=RecurringDonation.Status.ACTIVE).order_by("pk")[: len(CLOSED) + 4]
        )
        canceled = list(members.filter(status=RecurringDonation.Status.CANCELED).order_by("-canceled_at")[:2])
        for (days, recovered), membership in zip(CLOSED, active, strict=False):
            if recovered:
                _recovery(
                    membership,
                    failed_at=as_of - dt.timedelta(days=days),
                    as_of=as_of,
                    status="recovered",
                    closed_after=4,
                )
        lost = [c for c in CLOSED if not c[1]]
        for (days, _recovered), membership in zip(lost, canceled, strict=False):
            _recovery(
                membership,
                failed_at=as_of - dt.timedelta(days=days),
                as_of=as_of,
                status="lost",
                closed_after=14,
            )
        # Cards on file: most years ahead, one running out next month (the "at risk" report lists it).
        year, month = month_after(as_of.date(), 1)
        for n, membership in enumerate(active[-4:]):
            expiry = (
                {"exp_month": month, "exp_year": year}
                if n == 0
                else {"exp_month": 1 + n, "exp_year": year + 3}
            )
            PaymentCard.objects.get_or_create(
                customer_id=_customer(membership.donor),
                defaults={
                    "brand": ("jcb", "visa", "mastercard", "amex")[n],
                    "last4": f"{1000 + n:04d}",
                    "seen_at": as_of,
                }
                | expiry,
            )
    counts["failed_payments"] = PaymentRecovery.objects.filter(invoice_id__startswith=DEMO_INVOICE).count()
    return counts
