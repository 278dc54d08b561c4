"""Value normalisers for imported donor lists.

Each function takes the raw cell text and returns the normalised value, or raises
`ValueError` with a message a fundraiser can act on. Empty cells are the caller's business.
"""

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from django.core.validators import validate_email
from django.utils.translation import gettext as _

__all__ = [
    "PREFECTURES",
    "nfkc",
    "normalise_amount",
    "normalise_date",
    "normalise_email",
    "normalise_kana",
    "normalise_language",
    "normalise_method",
    "normalise_phone",
    "normalise_postal_code",
    "normalise_prefecture",
    "split_address",
    "split_full_name",
]

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)  # fmt: skip

# Romanised prefecture names as English-language lists write them ("Tokyo", "Osaka-fu").
_PREFECTURES_EN = dict(
    zip(
        [
            "hokkaido", "aomori", "iwate", "miyagi", "akita", "yamagata", "fukushima", "ibaraki", "tochigi",
            "gunma", "saitama", "chiba", "tokyo", "kanagawa", "niigata", "toyama", "ishikawa", "fukui",
            "yamanashi", "nagano", "gifu", "shizuoka", "aichi", "mie", "shiga", "kyoto", "osaka", "hyogo",
            "nara", "wakayama", "tottori", "shimane", "okayama", "hiroshima", "yamaguchi", "tokushima",
            "kagawa", "ehime", "kochi", "fukuoka", "saga", "nagasaki", "kumamoto", "oita", "miyazaki",
            "kagoshima", "okinawa",
        ],
        PREFECTURES,
        strict=True,
    )
)  # fmt: skip


def nfkc(value: str) -> str:
    """Full-width letters/digits/spaces to half-width, half-width katakana to full-width, trimmed."""
    # split/join folds runs of whitespace and trims like re.sub(r"\s+", " ").strip(), faster.
    return " ".join(unicodedata.normalize("NFKC", value).split())


# Django's validate_email, taken apart so 100,000 rows don't pay for its lazy regex proxies and
# every row of a domain doesn't check the same domain again. Same rules, same answers.
_EMAIL_USER = re.compile(validate_email.user_regex.pattern, validate_email.user_regex.flags)


@lru_cache(maxsize=4096)
def _email_domain_ok(domain: str) -> bool:
    return domain in validate_email.domain_allowlist or validate_email.validate_domain_part(domain)


def normalise_email(value: str) -> str:
    email = nfkc(value).replace(" ", "").lower()
    user, at, domain = email.rpartition("@")
    if not at or len(email) > 320 or not _EMAIL_USER.match(user) or not _email_domain_ok(domain):
        raise ValueError(_("not a valid email address: %(value)s") % {"value": repr(value)})
    return email


def normalise_postal_code(value: str) -> str:
    """Japanese postal codes as 123-4567, whatever the input's width, mark or hyphen."""
    digits = re.sub(r"[^0-9]", "", nfkc(value).replace("〒", ""))
    if len(digits) != 7:
        raise ValueError(_("a postal code has 7 digits: %(value)s") % {"value": repr(value)})
    return f"{digits[:3]}-{digits[3:]}"


def normalise_phone(value: str) -> str:
    """Digits only, so the same number typed three ways is one number.

    Japanese numbers in international form (+81 90-...) become domestic (090...); other
    international numbers keep their leading "+".
    """
    text = nfkc(value)
    plus = text.startswith("+")
    digits = re.sub(r"[^0-9]", "", text)
    if plus and digits.startswith("81"):
        plus, digits = False, "0" + digits[2:]
    if not 9 <= len(digits) <= 15:
        raise ValueError(_("not a phone number: %(value)s") % {"value": repr(value)})
    return ("+" if plus else "") + digits


def _hiragana_to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


@lru_cache(maxsize=8192)  # values repeat down a column
def normalise_kana(value: str) -> str:
    """Readings are stored in full-width katakana: hiragana and half-width katakana are converted."""
    return _hiragana_to_katakana(nfkc(value))


@lru_cache(maxsize=8192)  # values repeat down a column
def split_full_name(value: str) -> tuple[str, str]:
    """Split a "氏名" cell into (family, given).

    Japanese names are written family-first. A name with no Japanese characters is taken to be
    written in Western order ("Maria Garcia"): its last word is the family name.
    """
    text = nfkc(value)
    if not text:
        return "", ""
    parts = text.split(" ")
    if len(parts) == 1:
        return parts[0], ""
    if _has_japanese(text):
        return parts[0], " ".join(parts[1:])
    return parts[-1], " ".join(parts[:-1])


def _has_japanese(text: str) -> bool:
    return any(
        "\u3040" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in text
    )


@lru_cache(maxsize=8192)  # values repeat down a column
def normalise_prefecture(value: str) -> str:
    """The prefecture's full Japanese name: "東京" and "Tokyo" both become "東京都"."""
    text = nfkc(value)
    if text in PREFECTURES:
        return text
    for pref in PREFECTURES:
        if pref != "北海道" and text == pref[:-1]:
            return pref
    key = re.sub(r"[-\s]*(prefecture|to|fu|ken|metropolis)$", "", text.lower()).replace("ō", "o")
    if key in _PREFECTURES_EN:
        return _PREFECTURES_EN[key]
    raise ValueError(_("unknown prefecture: %(value)s") % {"value": repr(value)})


_PREFECTURE_SET = frozenset(PREFECTURES)


def split_address(value: str) -> tuple[str, str]:
    """(prefecture, rest) when an address begins with a prefecture, else ("", address)."""
    text = nfkc(value)
    # Prefecture names are three or four characters and none is the start of another.
    for length in (3, 4):
        if text[:length] in _PREFECTURE_SET:
            return text[:length], text[length:].strip()
    return "", text


_LANGUAGES = {
    "ja": "ja", "jp": "ja", "jpn": "ja", "japanese": "ja", "日本語": "ja", "日本": "ja", "和文": "ja",
    "en": "en", "eng": "en", "english": "en", "英語": "en", "英文": "en",
}  # fmt: skip


@lru_cache(maxsize=8192)  # values repeat down a column
def normalise_language(value: str) -> str:
    key = nfkc(value).lower()
    if key in _LANGUAGES:
        return _LANGUAGES[key]
    raise ValueError(_("language must be Japanese or English: %(value)s") % {"value": repr(value)})


_METHODS = {
    "card": "card", "credit card": "card", "creditcard": "card", "カード": "card", "クレジットカード": "card",
    "クレジット": "card", "stripe": "card",
    "bank_transfer": "bank_transfer", "bank transfer": "bank_transfer", "bank": "bank_transfer",
    "振込": "bank_transfer", "振り込み": "bank_transfer", "銀行振込": "bank_transfer",
    "銀行振り込み": "bank_transfer", "郵便振替": "bank_transfer", "口座振替": "bank_transfer",
    "cash": "cash", "現金": "cash",
    "other": "other", "その他": "other",
}  # fmt: skip


@lru_cache(maxsize=8192)  # values repeat down a column
def normalise_method(value: str) -> str:
    key = nfkc(value).lower()
    if key in _METHODS:
        return _METHODS[key]
    raise ValueError(_("unknown payment method: %(value)s") % {"value": repr(value)})


@lru_cache(maxsize=8192)  # values repeat down a column
def normalise_amount(value: str) -> int:
    """Yen amounts as fundraisers type them: "¥1,000", "1,000円", "１０００", "1000 JPY"."""
    text = nfkc(value).replace(",", "").replace(" ", "")
    text = re.sub(r"^(?:¥|\\|jpy)|(?:円|jpy|yen)$", "", text, flags=re.IGNORECASE)
    if not text.isdigit():
        raise ValueError(_("not a yen amount: %(value)s") % {"value": repr(value)})
    amount = int(text)
    if amount <= 0:
        raise ValueError(_("an amount must be more than ¥0: %(value)s") % {"value": repr(value)})
    return amount


# Japanese eras: first and last day of each, so "平成31年5月1日" (a day of Reiwa) is caught.
_ERAS = {
    "明治": (dt.date(1868, 10, 23), dt.date(1912, 7, 29)),
    "大正": (dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    "昭和": (dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    "平成": (dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    "令和": (dt.date(2019, 5, 1), dt.date.max),
}
_ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
# NFKC turns the one-character era ligatures (㋿, ㍻...) into their two kanji.

_WESTERN = re.compile(r"^(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?$")
_ERA_KANJI = re.compile(r"^(明治|大正|昭和|平成|令和)(\d{1,2}|元)年(\d{1,2})月(\d{1,2})日?$")
_ERA_LETTER = re.compile(r"^([MTSHR])(\d{1,2})[./\-](\d{1,2})[./\-](\d{1,2})$", re.IGNORECASE)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@lru_cache(maxsize=8192)  # values repeat down a column
def normalise_date(value: str) -> dt.date:
    """Dates in the forms Japanese spreadsheets use.

    2023/03/15, 2023-03-15, 2023.3.15, 20230315, 2023年3月15日, 令和5年3月15日, 令和元年5月1日,
    R5.3.15, H31.4.30. A time after the date ("2023/03/15 10:30") is ignored.
    """
    text = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", nfkc(value)).replace(" ", "")
    try:
        if m := _WESTERN.match(text) or _COMPACT.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _ERA_KANJI.match(text):
            era, year = m[1], 1 if m[2] == "元" else int(m[2])
            return _era_date(era, year, int(m[3]), int(m[4]), value)
        if m := _ERA_LETTER.match(text):
            return _era_date(_ERA_LETTERS[m[1].upper()], int(m[2]), int(m[3]), int(m[4]), value)
    except ValueError as exc:
        if "era" in str(exc):
            raise
        raise ValueError(_("no such date: %(value)s") % {"value": repr(value)}) from None
    raise ValueError(
        _("not a date (use 2023/03/15, 2023年3月15日 or 令和5年3月15日): %(value)s") % {"value": repr(value)}
    )


def _era_date(era: str, year: int, month: int, day: int, raw: str) -> dt.date:
    first, last = _ERAS[era]
    date = dt.date(first.year + year - 1, month, day)
    if not first <= date <= last:
        raise ValueError(_("%(value)s is outside the %(era)s era") % {"value": repr(raw), "era": era})
    return date
