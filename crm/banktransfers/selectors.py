"""Read logic of bank transfers: finding a donor as a fundraiser types them, the readings index the
statement matching compares against, and the recent batches and statements."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from crm.banktransfers.matching import ReadingIndex
from crm.banktransfers.models import BankStatement, GiftBatch, StatementLine
from crm.donors.models import Donor
from crm.donors.normalise import nfkc
from crm.giving.models import Donation, RecurringDonation

_NUMBER = re.compile(r"^[#＃]?(\d{1,9})$")
FIND_LIMIT = 10


def donors_find(query: str) -> list[Donor]:
    """Donors a fundraiser means by what they typed: a supporter number (#123 or 123), an email, or a
    name in kanji, kana or romaji (the donor search). Erased donors are never offered."""
    text = nfkc(query)
    if not text:
        return []
    donors = Donor.objects.filter(erased_at__isnull=True)
    if match := _NUMBER.match(text):
        return list(donors.filter(pk=int(match[1])))
    if "@" in text:
        return list(donors.filter(email=text.lower()))
    return list(donors.search(text).order_by("family_name_kana", "given_name_kana", "pk")[:FIND_LIMIT])


def reading_index() -> ReadingIndex:
    """Every donor's reading and every partner company's, with the company's contacts.

    One pass over the readings (two short columns per donor), built once per statement: at 100,000
    donors this is a second, against a query per line per spelling otherwise.
    """
    index = ReadingIndex()
    donors = Donor.objects.filter(erased_at__isnull=True).exclude(family_name_kana="", given_name_kana="")
    company_contacts: dict[int, list[int]] = {}
    rows = donors.values_list("pk", "family_name_kana", "given_name_kana", "company_id", "company__name_kana")
    company_kana: dict[int, str] = {}
    for donor_id, family, given, company_id, kana in rows.iterator(chunk_size=5000):
        index.add_donor(donor_id, family, given)
        if company_id:
            company_contacts.setdefault(company_id, []).append(donor_id)
            company_kana[company_id] = kana or ""
    for company_id, contacts in company_contacts.items():
        index.add_company(company_kana[company_id], contacts)
    return index


def donors_who_gave(*, amount: int, donor_ids: list[int]) -> set[int]:
    """Of these donors, those who gave this amount before (a gift or a standing monthly amount)."""
    if not donor_ids:
        return set()
    gifts = Donation.objects.filter(
        donor_id__in=donor_ids, amount=amount, currency="JPY", status=Donation.Status.SUCCEEDED
    ).values_list("donor_id", flat=True)
    monthly = RecurringDonation.objects.filter(donor_id__in=donor_ids, amount=amount).values_list(
        "donor_id", flat=True
    )
    return set(gifts) | set(monthly)


def recent_batches(limit: int = 20) -> QuerySet[GiftBatch]:
    return GiftBatch.objects.select_related("posted_by")[:limit]


def recent_statements(limit: int = 20) -> QuerySet[BankStatement]:
    return BankStatement.objects.select_related("uploaded_by")[:limit]


def statement_recorded_lines(statement: BankStatement) -> QuerySet[StatementLine]:
    """The lines of this statement recorded as gifts (what discarding it must never lose)."""
    return statement.lines.filter(donation__isnull=False)
