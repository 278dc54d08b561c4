"""Posting a batch of bank transfers entered by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.banktransfers.models import GiftBatch, GiftBatchEntry
from crm.giving.models import Donation
from crm.receipts.services import gifts_acknowledge


class BatchError(ValueError):
    """The batch cannot be posted as it stands; nothing was saved."""


@dataclass(frozen=True)
class BatchRow:
    donor_id: int
    received_on: dt.date
    amount: int
    memo: str = ""


def received_at_for(day: dt.date) -> dt.datetime:
    """A transfer is dated by the day the bank booked it; noon Japan time keeps that day in any report."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@transaction.atomic
def gift_batch_post(
    *, name: str, expected_count: int, expected_total: int, rows: Sequence[BatchRow], user=None
) -> GiftBatch:
    """Record every row as a bank-transfer gift, all or none, once the count and total match what the
    fundraiser counted on the statement; then issue the receipts as each donor chose."""
    total = sum(row.amount for row in rows)
    if len(rows) != expected_count or total != expected_total:
        raise BatchError(
            _(
                "The batch has %(count)s gifts for ¥%(total)s, but %(expected_count)s gifts for "
                "¥%(expected_total)s were expected. Nothing was saved."
            )
            % {
                "count": len(rows),
                "total": f"{total:,}",
                "expected_count": expected_count,
                "expected_total": f"{expected_total:,}",
            }
        )
    today = timezone.localdate()
    if any(row.received_on > today for row in rows) or any(row.amount <= 0 for row in rows):
        raise BatchError(_("A gift is dated in the future or has no amount. Nothing was saved."))
    batch = GiftBatch.objects.create(
        name=name, expected_count=expected_count, expected_total=expected_total, posted_by=user
    )
    donation_ids = []
    for row in rows:
        donation = Donation.objects.create(
            donor_id=row.donor_id,
            amount=row.amount,
            currency="JPY",
            received_at=received_at_for(row.received_on),
            method=Donation.Method.BANK_TRANSFER,
        )
        GiftBatchEntry.objects.create(batch=batch, donation=donation, memo=row.memo[:255])
        donation_ids.append(donation.pk)
    gifts_acknowledge(donation_ids=donation_ids)
    return batch
