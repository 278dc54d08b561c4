"""Months, the period a chart covers, and the constants every report reads."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, DateField, DateTimeField, F, Func, IntegerField, Value, When
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


class Bucket(Func):
    """Which stretch between sorted instants `bounds` a moment falls in: 0 before the first bound, k
    from the k-th bound up to the next one, len(bounds) from the last bound on.

    Summing gifts by these numbers instead of by their Tokyo calendar month (or with one filtered
    sum per month) spares a time-zone conversion per gift: at 600,000 gifts in 24 months the
    month truncation cost 300-650 ms, PostgreSQL's width_bucket (a binary search over the bounds)
    under 200 ms, little more than reading the gifts (bench/bench_reports.py). Elsewhere a CASE.
    """

    output_field = IntegerField()

    def __init__(self, column: str, bounds: list[datetime.datetime]):
        self.column, self.bounds = column, list(bounds)
        super().__init__(F(column), *(Value(b, output_field=DateTimeField()) for b in self.bounds))

    def resolve_expression(self, *args: Any, **kwargs: Any) -> Bucket:
        resolved = super().resolve_expression(*args, **kwargs)
        resolved.case = Case(
            *(When(**{f"{self.column}__lt": b}, then=Value(k)) for k, b in enumerate(self.bounds)),
            default=Value(len(self.bounds)),
            output_field=IntegerField(),
        ).resolve_expression(*args, **kwargs)
        return resolved

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list]:
        return compiler.compile(self.case)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list]:
        column, *bounds = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"width_bucket({column[0]}, ARRAY[{', '.join(b[0] for b in bounds)}]::timestamptz[])"
        return sql, [*column[1], *(p for b in bounds for p in b[1])]


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
