"""Read logic about donors: the tags in use, a donor named by number or email, and donors who are
probably the same person as a given donor (for the merge page).

A fundraiser cleaning a list rarely knows the duplicate's email by heart; imports and Stripe create a
second record when someone gives with another address. The same name written the same way, the same
reading, or the same phone number are the signs a person would check first. One query, capped.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from crm.donors.models import Donor, TaggedDonor, normalise_email
from crm.donors.normalise import normalise_phone


@dataclass(frozen=True)
class PossibleDuplicate:
    donor: Donor
    reasons: list[str]


def _phone_variants(phone: str) -> set[str]:
    """The number as typed and as imports store it (digits only, +81 made domestic)."""
    try:
        return {phone, normalise_phone(phone)}
    except ValueError:  # empty, or not a phone number: nothing to compare
        return set()


def possible_duplicates(*, donor: Donor, limit: int = 10) -> list[PossibleDuplicate]:
    """Other donors (not erased) sharing this donor's full name, full reading or phone number."""
    same_name = (
        Q(family_name=donor.family_name, given_name=donor.given_name)
        if donor.family_name and donor.given_name
        else None
    )
    same_reading = (
        Q(family_name_kana=donor.family_name_kana, given_name_kana=donor.given_name_kana)
        if donor.family_name_kana and donor.given_name_kana
        else None
    )
    phones = _phone_variants(donor.phone or "")
    same_phone = Q(phone__in=phones) if phones else None
    conditions = [c for c in (same_name, same_reading, same_phone) if c is not None]
    if not conditions:
        return []
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    candidates = (
        Donor.objects.active().filter(combined).exclude(pk=donor.pk).order_by("created_at", "pk")[:limit]
    )
    found = []
    for candidate in candidates:
        reasons = []
        if same_name is not None and (candidate.family_name, candidate.given_name) == (
            donor.family_name,
            donor.given_name,
        ):
            reasons.append(str(_("same name")))
        if same_reading is not None and (candidate.family_name_kana, candidate.given_name_kana) == (
            donor.family_name_kana,
            donor.given_name_kana,
        ):
            reasons.append(str(_("same reading")))
        if phones and candidate.phone in phones:
            reasons.append(str(_("same phone")))
        found.append(PossibleDuplicate(donor=candidate, reasons=reasons))
    return found


def donor_tags(request=None) -> QuerySet[Tag]:
    """Tags that at least one donor carries, by name (the listing's tag filter)."""
    return Tag.objects.filter(Exists(TaggedDonor.objects.filter(tag=OuterRef("pk")))).order_by("name")


def donor_by_number_or_email(value: str) -> Donor | None:
    """The (not erased) donor a fundraiser names by donor number or email address, or None."""
    value = value.strip()
    donors = Donor.objects.filter(erased_at__isnull=True)
    if value.isdigit():
        return donors.filter(pk=int(value)).first()
    return donors.filter(email=normalise_email(value)).first()
