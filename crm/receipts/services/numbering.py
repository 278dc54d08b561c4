"""Who a receipt is made out to, how it goes, and its number."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from crm.donors.models import Donor
from crm.receipts.models import (
    Receipt,
    ReceiptCounter,
    ReceiptSettings,
)


class ReceiptError(Exception):
    """A receipt operation that cannot be done (e.g. reissuing a voided receipt)."""


def receipt_settings() -> ReceiptSettings:
    return ReceiptSettings.load()


def local_today() -> datetime.date:
    return timezone.localdate()


# --- who, how, numbers ---------------------------------------------------------------------------------


def receipt_recipient(donor: Donor) -> tuple[str, bool]:
    """The name a receipt is made out to, and whether it goes to a company (御中) rather than a person (様)."""
    if donor.receipt_to_company and donor.company_id:
        company = donor.company
        name = company.name_en if donor.preferred_language == "en" and company.name_en else company.name
        return name, True
    if donor.receipt_name:
        return donor.receipt_name, False
    if donor.preferred_language == "en" and donor.given_name and donor.family_name and not donor.erased_at:
        return f"{donor.given_name} {donor.family_name}", False  # Lee Brown, not Brown Lee
    return donor.display_name, False


def receipt_delivery(donor: Donor) -> str:
    """The donor's choice, as it can be done: email without an address goes by post if there is one."""
    choice = donor.receipt_delivery
    if donor.erased_at:
        return Receipt.Delivery.NONE
    if choice == Donor.ReceiptDelivery.EMAIL and not donor.email:
        choice = Donor.ReceiptDelivery.POST
    if choice == Donor.ReceiptDelivery.POST and not (donor.postal_code or donor.address_line):
        return Receipt.Delivery.NONE
    return choice


def _language(donor: Donor) -> str:
    return "en" if donor.preferred_language == "en" else "ja"


def numbers_allocate(*, kind: str, year: int, count: int = 1) -> list[str]:
    """The next ``count`` receipt numbers of a series and year (R2026-000001, A2025-000001).

    Must run inside the transaction that stores them: the counter row stays locked until it commits,
    so two processes never get the same number, and a rollback returns the numbers unused.
    """
    if not transaction.get_connection().in_atomic_block:
        raise ReceiptError("numbers must be allocated inside the transaction that uses them")
    series = Receipt.SERIES[kind]
    ReceiptCounter.objects.bulk_create([ReceiptCounter(series=series, year=year)], ignore_conflicts=True)
    counter = ReceiptCounter.objects.select_for_update().get(series=series, year=year)
    first = counter.last_serial + 1
    counter.last_serial = F("last_serial") + count
    counter.save(update_fields=["last_serial"])
    return [f"{series}{year}-{serial:06d}" for serial in range(first, first + count)]
