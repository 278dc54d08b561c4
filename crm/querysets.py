"""Read logic of the CRM as chainable QuerySets, and the text normalisation its search relies on.

Everything derived (lifetime value, first/last gift, membership) is computed by the database with
subqueries, so a listing of 100,000 donors costs the same number of queries as a listing of ten.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from functools import cache, lru_cache

import jaconv
from django.db import models
from django.db.models import Exists, F, IntegerField, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

# --- search normalisation --------------------------------------------------------------------------
# pykakasi (pure Python, ~10 MB dictionary) gives hiragana and Hepburn readings of kanji names.
# cutlet would need fugashi + UniDic (~50 MB, a C extension) for the same job on short names.

_LONG_VOWELS = (("ou", "o"), ("oo", "o"), ("uu", "u"), ("ei", "e"), ("aa", "a"), ("ii", "i"))
_SPACES = re.compile(r"\s+")


@cache
def _kakasi():
    import pykakasi

    return pykakasi.kakasi()


def normalise_text(text: str) -> str:
    """NFKC (full-width letters/digits, half-width kana), lower case, katakana folded to hiragana."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _SPACES.sub(" ", jaconv.kata2hira(text)).strip()


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def fold_romaji(text: str) -> str:
    """Drop long-vowel spellings so "Tarou", "Tarō", "Taro" and "Taroh" all meet."""
    text = _strip_marks(text)
    text = re.sub(r"(?<=[aeiou])h(?![aeiou])", "", text)
    for long, short in _LONG_VOWELS:
        text = text.replace(long, short)
    return text


@lru_cache(maxsize=65536)
def readings(text: str) -> tuple[str, str]:
    """(hiragana, romaji) readings of a name part. Cached: names repeat, and imports read many."""
    if not text:
        return "", ""
    parts = _kakasi().convert(text)
    hira = "".join(p["hira"] for p in parts)
    romaji = "".join(p["hepburn"] for p in parts)
    return normalise_text(hira), normalise_text(romaji)


# PostgreSQL's trigram index cannot serve a two-character pattern such as 山田 or やま. Japanese
# pieces of the haystack are also stored with a filler after each character ("山〆田〆"), so a short
# Japanese term becomes a three-character pattern ("山〆田") the index can answer. The filler is a
# character pg_trgm counts as part of a word and that never occurs in names.
FILL = "〆"


def _interleave(text: str) -> str:
    return "".join(ch + FILL for ch in text if ch != " ")


def search_haystack(*, names: list[str], kana: list[str], email: str | None, extra: list[str] = ()) -> str:
    """One lower-case string holding every way a fundraiser might type this donor's name."""
    pieces: list[str] = []
    full_names: list[list[str]] = []
    for parts in (names, kana):
        norms = [normalise_text(p) for p in parts if p and p.strip()]
        readings_ = [readings(n) for n in norms]
        for norm, (hira, romaji) in zip(norms, readings_, strict=True):
            pieces.extend([norm, hira, romaji, fold_romaji(romaji)])
        if len(norms) > 1:
            full_names.append(norms)
            full_names.append([r[0] for r in readings_])
            # Full name in both orders, so "yamada taro" and "taro yamada" match as phrases too.
            romaji = [r[1] for r in readings_]
            pieces.extend([" ".join(romaji), " ".join(reversed(romaji)), fold_romaji(" ".join(romaji))])
    for full in full_names:
        pieces.extend(["".join(full), " ".join(full)])
    pieces.extend([_interleave(p) for p in pieces if p and not p.isascii()])
    # Email and extras come last: bulk writers (crm.imports.bulk) cache the name part and append these.
    if email:
        pieces.append(normalise_text(email))
    pieces.extend(normalise_text(x) for x in extra if x)
    seen: dict[str, None] = {}
    for piece in pieces:
        if piece:
            seen.setdefault(piece, None)
    return " | ".join(seen)


def donor_search_text(
    *,
    family_name: str,
    given_name: str,
    family_name_kana: str,
    given_name_kana: str,
    email: str | None,
    phone: str,
) -> str:
    """The haystack of one donor; also used by bulk writers (imports, seeding, migrations)."""
    return search_haystack(
        names=[family_name, given_name],
        kana=[family_name_kana, given_name_kana],
        email=email,
        extra=[phone.replace("-", "")] if phone else [],
    )


def _japanese_variant(term: str) -> str:
    return _interleave(term) if len(term) == 2 else term


def search_terms(query: str) -> list[tuple[str, ...]]:
    """Each whitespace-separated term of a query with its variants; a donor must match every term."""
    terms = []
    for term in normalise_text(query).split(" "):
        if not term:
            continue
        plain = _strip_marks(term)
        if plain.isascii():
            variants = {term, plain, fold_romaji(plain)}
            if re.fullmatch(r"[\d\-()+ ]+", plain):
                # Phone numbers are stored as digits only.
                variants = {re.sub(r"\D", "", plain)}
        else:
            variants = {_japanese_variant(term)}
            hira, _romaji = readings(term)
            if hira:
                variants.add(_japanese_variant(hira))
        terms.append(tuple(sorted(variants)))
    return terms


# --- querysets --------------------------------------------------------------------------------------


def _active_recurring(outer: str = "pk"):
    from crm.models import RecurringDonation

    return RecurringDonation.objects.filter(donor=OuterRef(outer), status=RecurringDonation.Status.ACTIVE)


def _succeeded_donations(outer: str = "pk", *, currency: str = "JPY"):
    from crm.models import Donation

    return Donation.objects.filter(
        donor=OuterRef(outer), status=Donation.Status.SUCCEEDED, currency=currency
    ).order_by()


class DonorQuerySet(models.QuerySet):
    def active(self) -> DonorQuerySet:
        """Donors who were not erased."""
        return self.filter(erased_at__isnull=True)

    def members(self) -> DonorQuerySet:
        """Monthly members: donors with at least one active recurring donation."""
        return self.filter(Exists(_active_recurring()))

    def not_members(self) -> DonorQuerySet:
        return self.exclude(Exists(_active_recurring()))

    def lapsed(self, *, since: datetime.datetime | datetime.date) -> DonorQuerySet:
        """Donors who gave before `since`, not since, and are not members now."""
        from crm.models import Donation

        gifts = Donation.objects.filter(donor=OuterRef("pk"), status=Donation.Status.SUCCEEDED)
        return (
            self.filter(Exists(gifts.filter(received_at__lt=since)))
            .exclude(Exists(gifts.filter(received_at__gte=since)))
            .not_members()
        )

    def with_giving(self, *, currency: str = "JPY") -> DonorQuerySet:
        """Annotate lifetime_value, first_gift_at, last_gift_at, is_member and member_since."""
        gifts = _succeeded_donations(currency=currency)
        total = gifts.values("donor").annotate(total=Sum("amount")).values("total")
        first = gifts.order_by("received_at").values("received_at")[:1]
        last = gifts.order_by("-received_at").values("received_at")[:1]
        since = (
            _active_recurring().order_by().values("donor").annotate(first=Min("started_at")).values("first")
        )
        return self.annotate(
            lifetime_value=Coalesce(Subquery(total, output_field=IntegerField()), Value(0)),
            first_gift_at=Subquery(first),
            last_gift_at=Subquery(last),
            is_member=Exists(_active_recurring()),
            member_since=Subquery(since),
        )

    def search(self, query: str) -> DonorQuerySet:
        """Find donors by kanji, kana (hiragana or katakana), romaji or email."""
        qs = self
        for variants in search_terms(query):
            condition = Q()
            for variant in variants:
                condition |= Q(search_text__contains=variant)
            qs = qs.filter(condition)
        return qs


class DonationQuerySet(models.QuerySet):
    def succeeded(self) -> DonationQuerySet:
        return self.filter(status="succeeded")

    def one_off(self) -> DonationQuerySet:
        return self.filter(recurring_donation__isnull=True)

    def total(self, *, currency: str = "JPY") -> int:
        return self.succeeded().filter(currency=currency).aggregate(t=Coalesce(Sum("amount"), 0))["t"]


class RecurringDonationQuerySet(models.QuerySet):
    def active(self) -> RecurringDonationQuerySet:
        return self.filter(status="active")

    def with_monthly_amount(self) -> RecurringDonationQuerySet:
        """monthly_amount: yearly gifts spread over twelve months (integer division in SQL)."""
        return self.annotate(
            monthly_amount=models.Case(
                models.When(interval="year", then=F("amount") / 12),
                default=F("amount"),
                output_field=IntegerField(),
            )
        )


class PartnerCompanyQuerySet(models.QuerySet):
    def on_site(self) -> PartnerCompanyQuerySet:
        """Companies the campaign page may show, in the order communications staff chose."""
        return self.filter(show_on_site=True).order_by("site_order", "name")


class InteractionQuerySet(models.QuerySet):
    def for_timeline(self) -> InteractionQuerySet:
        return self.select_related("staff_user").order_by("-happened_at")


def monthly_recurring_revenue(*, currency: str = "JPY") -> int:
    """Monthly recurring revenue of active recurring donations; yearly ones count as a twelfth."""
    from crm.models import RecurringDonation

    sums = (
        RecurringDonation.objects.active()
        .filter(currency=currency)
        .aggregate(
            monthly=Coalesce(Sum("amount", filter=Q(interval="month")), 0),
            yearly=Coalesce(Sum("amount", filter=Q(interval="year")), 0),
        )
    )
    # Sum the yearly totals first, then divide once, so rounding does not drift with the member count.
    return int(sums["monthly"]) + int(sums["yearly"]) // 12
