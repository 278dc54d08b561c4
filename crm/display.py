"""Values as people read them on the CRM's screens, in Japanese and in English.

Screens used to show what Python prints: `True`, `None`, `1000`, `2026-12-03 05:05:00+00:00`,
`1,000 JPY/month`. Everything a person reads goes through here instead: はい/いいえ (Yes/No), an
em dash for nothing, ¥1,000 and 毎月 ¥1,000 (¥1,000 monthly), and Japan time written the Japanese way
(2026年12月3日 14:05) or the English way (Dec. 3, 2026, 14:05). Spreadsheets keep numbers and ISO
dates instead (crm/exports.py): they are for sums and sorting, not for reading.

Only Django here: models, views and templates all use it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import dateformat, formats, timezone, translation
from django.utils.encoding import force_str
from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext

#: Shown where there is nothing: never "None" or an empty cell that looks like a rendering error.
EMPTY = "—"

#: Currencies written with a sign in front, the way people write them in Japan.
_SIGNS = {"JPY": "¥"}

#: (date, date and time) in Django's date-format syntax, per language; others use Django's own.
_JAPANESE = ("Y年n月j日", "Y年n月j日 H:i")
_OTHERS = (None, "N j, Y, H:i")


def _japanese() -> bool:
    return (translation.get_language() or "ja").split("-")[0] == "ja"


def yes_no(value: bool | None) -> str:
    if value is None:
        return EMPTY
    return gettext("Yes") if value else gettext("No")


def money(amount: int | Decimal | None, currency: str = "JPY") -> str:
    """¥1,000 for 1000 yen (JPY has no minor unit: the stored integer is the amount); 1,000 USD."""
    if amount is None:
        return EMPTY
    number = f"{amount:,.0f}"  # the same digits and commas in Japanese and English
    currency = (currency or "JPY").upper()
    sign = _SIGNS.get(currency)
    return f"{sign}{number}" if sign else f"{number} {currency}"


def money_per_interval(amount: int | None, currency: str = "JPY", interval: str = "month") -> str:
    """毎月 ¥1,000 / ¥1,000 monthly: the amount of a monthly (or yearly) gift."""
    if amount is None:
        return EMPTY
    text = money(amount, currency)
    if interval == "year":
        return pgettext("amount per interval", "%(amount)s yearly") % {"amount": text}
    return pgettext("amount per interval", "%(amount)s monthly") % {"amount": text}


def when(value: datetime.datetime | datetime.date | None) -> str:
    """A date, or a moment in Japan time (the active time zone), written for the active language."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        pattern = _JAPANESE[1] if _japanese() else _OTHERS[1]
        return dateformat.format(value, pattern)
    if _japanese():
        return dateformat.format(value, _JAPANESE[0])
    return formats.date_format(value, "DATE_FORMAT")


def day(value: datetime.datetime | datetime.date | None) -> str:
    """The day only: a moment's date in Japan time (2026年12月3日 / Dec. 3, 2026)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return when(value)


def for_people(value: Any) -> str:
    """Any stored value as a person reads it (money needs its currency: use `money`)."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return when(value)
    if isinstance(value, (int, Decimal, float)):
        return number_format(value, force_grouping=True)
    if isinstance(value, (list, tuple, set)):
        return ", ".join(for_people(item) for item in value) or EMPTY
    if isinstance(value, models.Manager):
        return ", ".join(force_str(item) for item in value.all()) or EMPTY
    return force_str(value)
