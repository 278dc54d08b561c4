"""Posting a batch of bank transfers entered by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.banktransfers.models import GiftBatch, GiftBatchEntry
from crm.donors.models import Donor
from crm.donors.services import DonorExistsError, donor_create
from crm.giving.models import Donation
from crm.receipts.services import gifts_acknowledge


class BatchError(ValueError):
    """The batch cannot be posted as it stands; nothing was saved."""


@dataclass(frozen=True)
class NewDonor:
    """A donor typed into a row because nobody matched: created only when the batch is posted."""

    family_name: str = ""
    given_name: str = ""
    family_name_kana: str = ""
    given_name_kana: str = ""
    email: str = ""  # normalised by the form
    phone: str = ""

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.given_name) if p)

    @property
    def kana_name(self) -> str:
        return " ".join(p for p in (self.family_name_kana, self.given_name_kana) if p)

    @property
    def key(self) -> object:
        """Rows with the same new donor (the same address, or the same details) make one donor."""
        return ("email", self.email) if self.email else self


@dataclass(frozen=True)
class BatchRow:
    received_on: dt.date
    amount: int
    donor_id: int | None = None
    new_donor: NewDonor | None = None
    memo: str = ""


def received_at_for(day: dt.date) -> dt.datetime:
    """A transfer is dated by the day the bank booked it; noon Japan time keeps that day in any report."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@transaction.atomic
def gift_batch_post(
    *, name: str, expected_count: int, expected_total: int, rows: Sequence[BatchRow], user=None
) -> GiftBatch:
    """Record every row as a bank-transfer gift, all or none, once the count and total match what the
    fundraiser counted on the statement; then issue the receipts as each donor chose. A row's new donor
    is created here too (source "bank transfer"), so nothing is half-posted."""
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
    donor_ids = _donors_of(rows=rows, batch=batch)
    donation_ids = []
    for number, row in enumerate(rows, start=1):
        donation = Donation.objects.create(
            donor_id=donor_ids[number],
            amount=row.amount,
            currency="JPY",
            received_at=received_at_for(row.received_on),
            method=Donation.Method.BANK_TRANSFER,
        )
        GiftBatchEntry.objects.create(batch=batch, donation=donation, memo=row.memo[:255])
        donation_ids.append(donation.pk)
    gifts_acknowledge(donation_ids=donation_ids)
    return batch


def _donors_of(*, rows: Sequence[BatchRow], batch: GiftBatch) -> dict[int, int]:
    """Each row's donor (row number -> donor id), creating the new ones inside the batch's transaction,
    so a batch that fails leaves no donor behind."""
    created: dict[object, int] = {}
    donor_ids = {}
    for number, row in enumerate(rows, start=1):
        new = row.new_donor
        if (row.donor_id is None) == (new is None) or (new and not (new.display_name or new.kana_name)):
            raise BatchError(
                _("Row %(row)s needs a donor, found or new with a name. Nothing was saved.") % {"row": number}
            )
        if new is None:
            donor_ids[number] = row.donor_id
            continue
        if new.key not in created:
            try:
                donor = donor_create(
                    email=new.email,
                    family_name=new.family_name,
                    given_name=new.given_name,
                    family_name_kana=new.family_name_kana,
                    given_name_kana=new.given_name_kana,
                    phone=new.phone,
                    source=Donor.Source.BANK_TRANSFER,
                    notes=_("Created from the bank-transfer batch “%(batch)s”.") % {"batch": batch.name},
                )
            except DonorExistsError as exc:  # given the address since the batch was checked
                raise BatchError(
                    _(
                        "Row %(row)s: %(email)s belongs to donor #%(id)s already; choose that donor. "
                        "Nothing was saved."
                    )
                    % {"row": number, "email": new.email, "id": exc.donor.pk}
                ) from None
            created[new.key] = donor.pk
        donor_ids[number] = created[new.key]
    return donor_ids
