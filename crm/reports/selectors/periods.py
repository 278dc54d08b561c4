"""Months, the period a chart covers, and the constants every report reads."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import DateField
from django.db.models.functions import TruncMonth
from django.utils import timezone

from crm.giving.models import RecurringDonation

DEFAULT_MONTHS = 24
MAX_MONTHS = 60
COHORT_MONTHS = 12
RECENT = 5

# The tiers on the donation page (¥1,000, ¥5,000 and ¥10,000 a month), as the segment rule "tier"
# reads them: a tier runs up to the next one. Below ¥1,000 (old or custom amounts) is "other".
TIERS: list[tuple[str, int, int | None]] = [
    ("other", 0, 999),
    ("1000", 1_000, 4_999),
    ("5000", 5_000, 9_999),
    ("10000", 10_000, None),
]

Status = RecurringDonation.Status


# --- months ----------------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month `months` after (or before) `day`'s month."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, 1)


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def month_of(expression: Any) -> TruncMonth:
    """The Tokyo calendar month of a moment, as a date (its first day). Dates, not aware datetimes:
    converting thousands of grouped rows back to aware datetimes cost more than the query."""
    return TruncMonth(expression, output_field=DateField())


def aware(day: datetime.date) -> datetime.datetime:
    """Midnight in the site's time zone (Tokyo): months are Japanese calendar months."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def as_date(value: Any) -> datetime.date:
    """A date from a database month value, a date or a (possibly aware) datetime."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@dataclass(frozen=True, kw_only=True)
class Period:
    """Whole months from `first` to `last` (both month starts), cut at `today`."""

    first: datetime.date
    last: datetime.date
    today: datetime.date

    @classmethod
    def ending(cls, *, today: datetime.date, months: int = DEFAULT_MONTHS) -> Period:
        last = month_start(today)
        return cls(first=add_months(last, -(months - 1)), last=last, today=today)

    @property
    def months(self) -> list[datetime.date]:
        return [
            add_months(self.first, i) for i in range(month_index(self.last) - month_index(self.first) + 1)
        ]

    @property
    def tomorrow(self) -> datetime.datetime:
        return aware(self.today + datetime.timedelta(days=1))

    def month_end(self, start: datetime.date) -> datetime.datetime:
        """The instant a month's figures are read at: its end, or now for a month not over yet."""
        return min(aware(add_months(start, 1)), self.tomorrow)

    @property
    def start_instant(self) -> datetime.datetime:
        return aware(self.first)

    @property
    def end_instant(self) -> datetime.datetime:
        return self.month_end(self.last)
