"""Annual statements (年間領収書): one per donor and year, listing the year's gifts."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from crm.donors.models import Donor
from crm.giving.models import Donation
from crm.receipts.models import (
    AnnualReceiptRun,
    Receipt,
)
from crm.receipts.services.numbering import (
    _language,
    local_today,
    numbers_allocate,
    receipt_delivery,
    receipt_recipient,
)

# --- annual statements -----------------------------------------------------------------------------------


def _annual_gifts(year: int) -> QuerySet[Donation]:
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    return Donation.objects.filter(
        status=Donation.Status.SUCCEEDED,
        received_at__gte=start,
        received_at__lt=end,
        amount__gt=F("amount_refunded"),
    )


@transaction.atomic
def _issue_annual_statements(
    *,
    donor_ids: Sequence[int],
    year: int,
    run: AnnualReceiptRun | None = None,
    replaces: dict[int, Receipt] | None = None,
) -> list[Receipt]:
    """One statement each for these donors (those who already have one are left alone)."""
    wanted = set(donor_ids)
    if not wanted:
        return []
    by_donor = _donors_filter(wanted)
    have = set(
        Receipt.objects.filter(
            by_donor, kind=Receipt.Kind.ANNUAL, status=Receipt.Status.ISSUED, year=year
        ).values_list("donor_id", flat=True)
    )
    wanted -= have
    lines: dict[int, list] = {}
    gifts = (
        _annual_gifts(year)
        .filter(by_donor)
        .order_by("donor_id", "received_at", "pk")
        .values_list(
            "donor_id",
            "received_at",
            "amount",
            "amount_refunded",
            "recurring_donation_id",
            "currency",
            "recurring_donation__interval",
        )
    )
    for donor_id, received_at, amount, refunded, recurring_id, currency, interval in gifts:
        if donor_id not in wanted:
            continue  # in the id range but not asked for, or has its statement already
        if currency != "JPY":
            continue  # a statement in yen; other currencies keep their per-gift receipts
        lines.setdefault(donor_id, []).append(
            [
                timezone.localdate(received_at).isoformat(),
                amount - refunded,
                ("yearly" if interval == "year" else "monthly") if recurring_id else "gift",
            ]
        )
    if not lines:
        return []
    donors = Donor.objects.select_related("company").in_bulk(list(lines))
    numbers = numbers_allocate(kind=Receipt.Kind.ANNUAL, year=year, count=len(lines))
    today = local_today()
    statements = []
    for number, donor_id in zip(numbers, sorted(lines), strict=True):
        donor = donors[donor_id]
        name, to_company = receipt_recipient(donor)
        donor_lines = lines[donor_id]
        # One 但し書き when every gift of the year had the same purpose, else ご寄付として.
        purposes = {line[2] for line in donor_lines}
        purpose = purposes.pop() if len(purposes) == 1 else Receipt.Purpose.GIFT
        statements.append(
            Receipt(
                kind=Receipt.Kind.ANNUAL,
                number=number,
                donor=donor,
                year=year,
                amount=sum(line[1] for line in donor_lines),
                currency="JPY",
                purpose=purpose,
                lines=donor_lines,
                issued_on=today,
                recipient_name=name,
                to_company=to_company,
                language=_language(donor),
                delivery=receipt_delivery(donor),
                annual_run=run,
                replaces=(replaces or {}).get(donor_id),
            )
        )
    return Receipt.objects.bulk_create(statements)


def _donors_filter(donor_ids: set[int]) -> Q:
    """The rows of these donors. A run of ids (the annual run's chunk) is asked for as an id range:
    an index range scan that reads those donors' rows only, where a list of 2,000 ids could be
    planned as a look through the whole year's gifts, for every chunk. The caller still picks its
    own donors out of the range."""
    low, high = min(donor_ids), max(donor_ids)
    if high - low < 4 * len(donor_ids):
        return Q(donor_id__gte=low, donor_id__lte=high)
    return Q(donor_id__in=sorted(donor_ids))


def annual_statement_for(*, donor: Donor, year: int) -> Receipt | None:
    """The donor's statement for a year, issued now if they gave that year and have none yet."""
    statement = Receipt.objects.filter(
        donor=donor, kind=Receipt.Kind.ANNUAL, year=year, status=Receipt.Status.ISSUED
    ).first()
    if statement is None:
        created = _issue_annual_statements(donor_ids=[donor.pk], year=year)
        statement = created[0] if created else None
    return statement


def year_total(*, donor: Donor, year: int) -> int:
    return (
        _annual_gifts(year)
        .filter(donor=donor)
        .aggregate(total=Sum(F("amount") - F("amount_refunded")))["total"]
        or 0
    )
