"""Membership over time: members, MRR, joins and losses per month, and retention by joining cohort."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, DateTimeField, Exists, OuterRef, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce

from crm.giving.models import RecurringDonation
from crm.reports.selectors.periods import (
    COHORT_MONTHS,
    Period,
    Status,
    add_months,
    as_date,
    aware,
    month_index,
    month_of,
)

# --- membership over time --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MembershipMonth:
    start: datetime.date
    members: int
    mrr_jpy: int
    new: int = 0
    returning: int = 0
    lost: int = 0


def membership_months(period: Period) -> list[MembershipMonth]:
    """Members and monthly recurring revenue at each month's end; new, returning and lost members in
    each month. Four queries whatever the period's length or the number of members.

    A gift counts at the end of month m when it started in month m or before and ended in a later
    month (or runs on): the same as comparing instants, because month ends are the boundaries.
    Gifts are read grouped by (starting month, ending month), a few thousand rows at most; only
    donors with more than one gift are read one by one, so each donor counts once a month.
    """
    months = period.months
    first, last = month_index(period.first), month_index(period.last)
    members = [0] * len(months)
    monthly = [0] * len(months)
    yearly = [0] * len(months)

    def covered(started, ended) -> range:
        start = month_index(as_date(started))
        # The first month it no longer counts.
        end = last + 1 if ended is None else month_index(as_date(ended))
        return range(max(start, first) - first, min(end, last + 1) - first)

    several = _started().values("donor").annotate(n=Count("pk")).filter(n__gt=1).values("donor")
    spans = _started().annotate(sm=month_of("started_at"), em=month_of(_ended_at()))
    for row in (
        spans.filter(started_at__lt=period.end_instant)
        .values("sm", "em", "interval", "currency")
        .annotate(n=Count("pk"), single=Count("pk", filter=~Q(donor__in=several)), amount=Sum("amount"))
    ):
        for i in covered(row["sm"], row["em"]):
            members[i] += row["single"]
            if row["currency"] == "JPY":
                if row["interval"] == "year":
                    yearly[i] += int(row["amount"])
                else:
                    monthly[i] += int(row["amount"])
    counted: list[set[int]] = [set() for _ in months]
    for row in spans.filter(donor__in=several, started_at__lt=period.end_instant).values("donor", "sm", "em"):
        for i in covered(row["sm"], row["em"]):
            counted[i].add(row["donor"])

    joined, returned = _joins_by_month(period)
    lost = _losses_by_month(period)
    return [
        MembershipMonth(
            start=start,
            members=members[i] + len(counted[i]),
            # Yearly gifts summed first and divided once, as monthly_recurring_revenue does.
            mrr_jpy=monthly[i] + yearly[i] // 12,
            new=joined.get(start, 0),
            returning=returned.get(start, 0),
            lost=lost.get(start, 0),
        )
        for i, start in enumerate(months)
    ]


def _started() -> QuerySet:
    return RecurringDonation.objects.exclude(status=Status.INCOMPLETE).order_by()


def _earlier_gifts() -> QuerySet:
    """The same donor's monthly gifts that started before this one."""
    return _started().filter(donor=OuterRef("donor"), started_at__lt=OuterRef("started_at"))


def _joins_by_month(period: Period) -> tuple[dict[datetime.date, int], dict[datetime.date, int]]:
    """New members (a donor's first monthly gift) and returning ones (a new gift after every earlier
    one had ended). A gift started while another still ran (a change of amount) is neither.

    Grouped by the two flags rather than counted with a filter on each: each correlated subquery
    then runs once a gift, not once per filter that reads it (three times). A first gift has no
    earlier gift, so it is always "after a gap" too: (first, gap) holds the new members and
    (not first, gap) the returning ones."""
    rows = (
        _started()
        .filter(started_at__gte=period.start_instant, started_at__lt=period.end_instant)
        .annotate(
            month=month_of("started_at"),
            is_first=~Exists(_earlier_gifts()),
            after_gap=~Exists(
                _earlier_gifts().filter(
                    Q(canceled_at__isnull=True) | Q(canceled_at__gte=OuterRef("started_at"))
                )
            ),
        )
        .values("month", "is_first", "after_gap")
        .annotate(n=Count("donor", distinct=True))
    )
    new: dict[datetime.date, int] = {}
    returning: dict[datetime.date, int] = {}
    for row in rows:
        if row["after_gap"]:
            counted = new if row["is_first"] else returning
            counted[as_date(row["month"])] = row["n"]
    return new, returning


def _losses_by_month(period: Period) -> dict[datetime.date, int]:
    """Members lost: a cancelled monthly gift when no other gift of the donor ran on past it."""
    still_giving = (
        _started()
        .filter(
            Q(canceled_at__isnull=True) | Q(canceled_at__gt=OuterRef("canceled_at")),
            donor=OuterRef("donor"),
            started_at__lte=OuterRef("canceled_at"),
        )
        .exclude(pk=OuterRef("pk"))
    )
    rows = (
        _started()
        .filter(
            status=Status.CANCELED,
            canceled_at__gte=period.start_instant,
            canceled_at__lt=period.end_instant,
        )
        .annotate(month=month_of("canceled_at"), replaced=Exists(still_giving))
        .values("month")
        .annotate(lost=Count("donor", distinct=True, filter=Q(replaced=False)))
    )
    return {as_date(row["month"]): row["lost"] for row in rows}


# --- retention by joining cohort -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Cohort:
    start: datetime.date
    joined: int
    # retained[k]: still giving at the end of the k-th month after joining (0 = the joining month);
    # None for months that have not ended yet.
    retained: list[int | None]

    @property
    def percents(self) -> list[int | None]:
        # A month nobody joined in has no share to show (not 0 %).
        return [None if n is None or not self.joined else round(n * 100 / self.joined) for n in self.retained]


def cohorts(period: Period, *, months: int = COHORT_MONTHS, count: int = COHORT_MONTHS) -> list[Cohort]:
    """Donors by the month of their first monthly gift (the last `months` joining months of the
    period, at most `count` of them) and how many still gave on that gift 0..months-1 months later. One query: gifts grouped
    by joining month and ending month."""
    last = period.last
    first = max(period.first, add_months(last, -(count - 1)))
    rows = (
        _started()
        .filter(started_at__gte=aware(first), started_at__lt=period.end_instant)
        .annotate(is_first=~Exists(_earlier_gifts()))
        .filter(is_first=True)
        # The month the gift stopped counting in; null while it still runs. Months as truncated
        # timestamps, not EXTRACTed years and months: PostgreSQL returns those as numeric, slow
        # to group.
        .annotate(sm=month_of("started_at"), em=month_of(_ended_at()))
        .values("sm", "em")
        .annotate(n=Count("donor", distinct=True))
    )
    ending: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        end = None if row["em"] is None else month_index(as_date(row["em"]))
        ending[month_index(as_date(row["sm"]))][end] += row["n"]
    now = month_index(period.today)
    table = []
    for start in (add_months(first, i) for i in range(month_index(last) - month_index(first) + 1)):
        c = month_index(start)
        ends = ending.get(c, {})
        joined = sum(ends.values())
        retained: list[int | None] = []
        for k in range(months):
            if c + k > now:
                retained.append(None)
                continue
            # Still giving at the end of month c+k: not ended, or ended in a later month.
            retained.append(sum(n for end, n in ends.items() if end is None or end > c + k))
        table.append(Cohort(start=start, joined=joined, retained=retained))
    return table


def _ended_at() -> Case:
    """The moment a gift stopped counting as membership; null while it runs."""
    return Case(
        When(status=Status.CANCELED, then=Coalesce("canceled_at", "status_changed_at")),
        When(status__in=[Status.PAST_DUE, Status.PAUSED], then="status_changed_at"),
        default=None,
        output_field=DateTimeField(),
    )
