"""Matching a statement's remitter names (振込依頼人名) to donors by their reading.

Banks write the remitter in half-width katakana without small letters (ｷﾖｳｺ for キョウコ), often with
a legal-form mark (ｶ) for 株式会社 before the name, (ｶ after it, ﾕ) for 有限会社...) and sometimes the
supporter number we ask transfer donors to put before their name. Both sides are folded to one
"reading key" (full-width katakana, large letters, no spaces, marks or long-vowel signs) and compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from crm.donors.normalise import nfkc, normalise_kana

# The legal forms banks abbreviate in a remitter name (全銀協's 略語), as they read after NFKC.
_LEGAL_ABBREVIATIONS = (
    "カ", "ユ", "ド", "メ", "シ", "ゴ", "トクヒ", "シヤ", "ザイ", "イ", "ガク", "フク", "シユウ", "ノウ",
    "セイキヨウ", "キヨウ", "ケンポ", "ホ", "エイ", "ギヨ",
)  # fmt: skip
_ABBREVIATION = "|".join(sorted(_LEGAL_ABBREVIATIONS, key=len, reverse=True))
_LEGAL_PREFIX = re.compile(rf"^\(?(?:{_ABBREVIATION})\)")
_LEGAL_SUFFIX = re.compile(rf"\((?:{_ABBREVIATION})\)?$")
_LEGAL_MIDDLE = re.compile(rf"\((?:{_ABBREVIATION})\)")
_LEGAL_WORDS = re.compile(
    "株式会社|有限会社|合同会社|合名会社|合資会社|一般社団法人|一般財団法人|公益社団法人|公益財団法人|"
    "特定非営利活動法人|NPO法人|社会福祉法人|学校法人|医療法人|宗教法人|"
    "カブシキガイシヤ|カブシキカイシヤ|ユウゲンガイシヤ|ゴウドウガイシヤ"
)
_SMALL = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_DROPPED = re.compile(r"[\s・･.,、。ー\-‐－−―~〜'\"/]")
_CODE = re.compile(r"^(\d{1,9})(?=\D|$)")

#: A fuzzy reading at least this close (0-100) makes a donor a probable match.
FUZZY_SCORE = 88


def reading_key(value: str) -> str:
    """The comparable form of a reading: ﾔﾏﾀﾞ ﾀﾛｳ, やまだ たろう and ヤマダ・タロー all give ヤマダタロウ-ish
    keys (long vowels are dropped on both sides, since banks cannot write ー)."""
    text = normalise_kana(value).upper().translate(_SMALL)
    text = _LEGAL_WORDS.sub("", text)
    text = _DROPPED.sub("", text)
    text = _LEGAL_PREFIX.sub("", text)
    text = _LEGAL_SUFFIX.sub("", text)
    text = _LEGAL_MIDDLE.sub("", text)
    return text.replace("(", "").replace(")", "")


def split_remitter(remitter: str) -> tuple[int | None, str]:
    """(supporter number written before the name, reading key of the rest)."""
    text = nfkc(remitter)
    code = None
    if match := _CODE.match(text):
        code = int(match[1])
        text = text[match.end() :]
    return code, reading_key(text)


@dataclass
class ReadingIndex:
    """Donors' (and partner companies' contacts') reading keys, built once per statement."""

    full: dict[str, list[int]] = field(default_factory=dict)
    family: dict[str, list[int]] = field(default_factory=dict)
    company: dict[str, list[int]] = field(default_factory=dict)
    by_donor: dict[int, str] = field(default_factory=dict)

    def add_donor(self, donor_id: int, family_kana: str, given_kana: str) -> None:
        key = reading_key(f"{family_kana}{given_kana}")
        if not key:
            return
        self.full.setdefault(key, []).append(donor_id)
        self.by_donor[donor_id] = key
        if family := reading_key(family_kana):
            self.family.setdefault(family, []).append(donor_id)

    def add_company(self, name_kana: str, donor_ids: Iterable[int]) -> None:
        ids = list(donor_ids)
        if (key := reading_key(name_kana)) and ids:
            self.company.setdefault(key, []).extend(ids)


@dataclass
class Match:
    status: str  # "matched", "probable" or "unmatched"
    donor_id: int | None = None
    candidates: list[int] = field(default_factory=list)
    reason: str = ""


def match_remitter(remitter: str, *, index: ReadingIndex, same_amount: set[int] | None = None) -> Match:
    """Who sent this transfer? `same_amount` holds donors who gave this amount before: a tie-breaker."""
    code, key = split_remitter(remitter)
    same_amount = same_amount or set()
    if code is not None and code in index.by_donor:
        donor_key = index.by_donor[code]
        if key and (donor_key == key or donor_key.startswith(key) or key.startswith(donor_key)):
            return Match("matched", code, [code], "number and reading")
        return Match("probable", None, [code], "number only")
    if not key:
        return Match("unmatched", reason="no reading")
    for found, reason in ((index.full.get(key), "reading"), (index.company.get(key), "company")):
        if found:
            return _one_or_probable(sorted(set(found)), same_amount, reason)
    candidates = set(index.family.get(key, []))
    # A mapping's matches come back as (reading, score, donor id).
    for _reading, score, donor_id in process.extract(key, index.by_donor, scorer=fuzz.ratio, limit=5):
        if score >= FUZZY_SCORE:
            candidates.add(donor_id)
    if candidates:
        return Match("probable", None, sorted(candidates)[:10], "similar reading")
    return Match("unmatched", reason="no donor with this reading")


def _one_or_probable(found: list[int], same_amount: set[int], reason: str) -> Match:
    if len(found) == 1:
        return Match("matched", found[0], found, reason)
    gave_same = [donor for donor in found if donor in same_amount]
    if len(gave_same) == 1:
        return Match("matched", gave_same[0], found, f"{reason} and amount")
    return Match("probable", None, found[:10], f"{reason}, several donors")
