"""Read logic of receipts: what the admin lists and the donor's page shows."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from crm.giving.models import Donation
from crm.receipts.models import AnnualReceiptRun, PersonalThanks, Receipt, ReceiptDispatch


def receipts_for_admin() -> QuerySet[Receipt]:
    return Receipt.objects.select_related("donor", "donation", "print_batch")


def personal_thanks_open() -> QuerySet[PersonalThanks]:
    return (
        PersonalThanks.objects.filter(done_at__isnull=True)
        .select_related("donation__donor")
        .order_by("due_at", "pk")
    )


def personal_thanks_overdue_count() -> int:
    return PersonalThanks.objects.filter(done_at__isnull=True, due_at__lt=timezone.now()).count()


def thank_you_counts() -> dict[str, int]:
    rows = (
        Donation.objects.filter(status=Donation.Status.SUCCEEDED)
        .exclude(thank_you_status="")
        .values("thank_you_status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["thank_you_status"]: row["n"] for row in rows}


def annual_run_dispatch_counts(run: AnnualReceiptRun) -> dict[str, int]:
    """Sendings of a run by state: "sending" ones older than the run's progress are unconfirmed."""
    rows = (
        ReceiptDispatch.objects.filter(receipt__annual_run=run, channel=ReceiptDispatch.Channel.EMAIL)
        .values("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["state"]: row["n"] for row in rows}


def receipt_is_downloadable_by(receipt: Receipt, donor_id: int) -> bool:
    return receipt.donor_id == donor_id


def donor_receipts(donor_id: int) -> QuerySet[Receipt]:
    return Receipt.objects.filter(donor_id=donor_id).filter(
        Q(kind=Receipt.Kind.GIFT) | Q(kind=Receipt.Kind.ANNUAL)
    )
