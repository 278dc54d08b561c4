"""The dashboard's other figures: tiers, income, newsletter audience, Facebook-group funnel, headline, and
the whole page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from crm.community.models import FacebookGroupInvitation
from crm.companies.models import PartnerCompany
from crm.donors.models import Donor
from crm.giving.models import DailyIncome, DonorGiving
from crm.giving.selectors import monthly_recurring_revenue
from crm.payments.selectors import RecoveryMonth, recovery_by_month
from crm.reports.selectors.membership import Cohort, MembershipMonth, cohorts, membership_months
from crm.reports.selectors.periods import TIERS, Period, as_date, month_of, month_start

# --- tiers, income, audience, Facebook group --------------------------------------------------------


def members_by_tier() -> dict[str, int]:
    """Members by the sum of their active monthly gifts (the stored giving summary). One query."""
    aggregates = {}
    for key, low, high in TIERS:
        q = Q(is_member=True, monthly_amount__gte=low)
        if high is not None:
            q &= Q(monthly_amount__lte=high)
        aggregates[key] = Count("pk", filter=q)
    return DonorGiving.objects.order_by().aggregate(**aggregates)


@dataclass(frozen=True, kw_only=True)
class IncomeMonth:
    start: datetime.date
    monthly_jpy: int
    one_off_jpy: int
    bank_transfer_jpy: int

    @property
    def total_jpy(self) -> int:
        return self.monthly_jpy + self.one_off_jpy + self.bank_transfer_jpy


def income_months(period: Period) -> list[IncomeMonth]:
    """Money received per month (JPY, net of refunds): monthly gifts, one-off gifts by card, cash and
    other, and one-off bank transfers (Donation.method). One query over the stored daily income
    (DailyIncome, kept by triggers): at 100,000 donors summing the period's 600,000 gifts took
    ~300 ms of the dashboard's second, the day rows a few milliseconds (bench/bench_reports.py)."""
    months = period.months
    rows = (
        DailyIncome.objects.filter(currency="JPY", day__gte=period.first, day__lte=period.today)
        .order_by()
        .annotate(month=month_of("day"))
        .values("month", "kind")
        .annotate(net=Sum(F("gross") - F("refunded")))
    )
    sums: dict[tuple[datetime.date, str], int] = {}
    for row in rows:
        sums[as_date(row["month"]), row["kind"]] = int(row["net"] or 0)
    Kind = DailyIncome.Kind
    return [
        IncomeMonth(
            start=start,
            monthly_jpy=sums.get((start, Kind.MONTHLY), 0),
            one_off_jpy=sums.get((start, Kind.ONE_OFF), 0),
            bank_transfer_jpy=sums.get((start, Kind.BANK_TRANSFER), 0),
        )
        for start in months
    ]


def newsletter_audience() -> dict[str, int]:
    """Donors (not erased) by newsletter consent, every status present. One query."""
    counts = dict.fromkeys(Donor.NewsletterStatus.values, 0)
    counts.update(Donor.objects.active().order_by().values_list("newsletter_status").annotate(n=Count("pk")))
    return counts


@dataclass(frozen=True, kw_only=True)
class Funnel:
    eligible: int
    invited: int
    joined: int
    removed: int
    by_status: dict[str, int]


def facebook_funnel() -> Funnel:
    """Everyone ever queued, of them everyone ever invited, who joined, who was removed again; and
    today's count in each status (the same as `crm_stats`). One query."""
    aggregates: dict[str, Any] = {
        "eligible": Count("pk"),
        "invited": Count("pk", filter=Q(invited_at__isnull=False) | Q(joined_at__isnull=False)),
        "joined": Count("pk", filter=Q(joined_at__isnull=False)),
        "removed": Count("pk", filter=Q(removed_at__isnull=False) | Q(status="removed")),
    }
    for status in FacebookGroupInvitation.Status.values:
        aggregates[f"s_{status}"] = Count("pk", filter=Q(status=status))
    counts = FacebookGroupInvitation.objects.order_by().aggregate(**aggregates)
    return Funnel(
        eligible=counts["eligible"],
        invited=counts["invited"],
        joined=counts["joined"],
        removed=counts["removed"],
        by_status={s: counts[f"s_{s}"] for s in FacebookGroupInvitation.Status.values},
    )


# --- headline figures and the whole page -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Headline:
    """The figures `crm_stats --json` prints, computed the same way."""

    donors: int
    active_members: int
    mrr_jpy: int
    donations_total_jpy: int
    partner_companies: int


def income_total(*, currency: str) -> int:
    """Every succeeded gift ever, gross (as `Donation.objects.total`, which crm_stats prints), from the
    stored daily income: one row a day instead of every gift."""
    return int(
        DailyIncome.objects.filter(currency=currency).order_by().aggregate(t=Coalesce(Sum("gross"), 0))["t"]
    )


def headline() -> Headline:
    return Headline(
        donors=Donor.objects.active().count(),
        active_members=Donor.objects.members().count(),
        mrr_jpy=monthly_recurring_revenue(currency="JPY"),
        donations_total_jpy=income_total(currency="JPY"),
        partner_companies=PartnerCompany.objects.count(),
    )


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """This month so far against the same days of the same month last year (like for like)."""

    today: datetime.date
    last_year_day: datetime.date
    this_year_jpy: int
    last_year_jpy: int

    @property
    def change_percent(self) -> int | None:
        if self.last_year_jpy <= 0:
            return None
        return round((self.this_year_jpy - self.last_year_jpy) * 100 / self.last_year_jpy)

    @property
    def change_signed(self) -> str:
        p = self.change_percent
        if p is None:
            return ""
        return f"+{p}" if p > 0 else str(p)


def same_day_last_year(today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February: the last day of February a year earlier
        return today.replace(year=today.year - 1, day=28)


def month_so_far(*, today: datetime.date) -> Comparison:
    """Received from the 1st to today, and from the 1st to the same day a year ago (the stored daily
    income). One query."""
    before = same_day_last_year(today)
    this_year = Q(day__gte=month_start(today), day__lte=today)
    last_year = Q(day__gte=month_start(before), day__lte=before)
    net = F("gross") - F("refunded")
    sums = (
        DailyIncome.objects.filter(currency="JPY")
        .filter(this_year | last_year)
        .order_by()
        .aggregate(
            now=Coalesce(Sum(net, filter=this_year), 0), before=Coalesce(Sum(net, filter=last_year), 0)
        )
    )
    return Comparison(
        today=today, last_year_day=before, this_year_jpy=int(sums["now"]), last_year_jpy=int(sums["before"])
    )


@dataclass(kw_only=True)
class Dashboard:
    period: Period
    headline: Headline
    comparison: Comparison
    membership: list[MembershipMonth]
    cohorts: list[Cohort]
    tiers: dict[str, int]
    income: list[IncomeMonth]
    audience: dict[str, int]
    funnel: Funnel
    # Failed renewals by the month they failed, and how many were paid after all (the recovery rate).
    recovery: list[RecoveryMonth] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def dashboard(*, period: Period) -> Dashboard:
    """Everything the dashboard page shows: 16 queries, whatever the data or the period."""
    return Dashboard(
        period=period,
        headline=headline(),
        comparison=month_so_far(today=period.today),
        membership=membership_months(period),
        cohorts=cohorts(period),
        tiers=members_by_tier(),
        income=income_months(period),
        audience=newsletter_audience(),
        funnel=facebook_funnel(),
        recovery=recovery_months(period),
    )


def recovery_months(period: Period) -> list[RecoveryMonth]:
    """Every month of the period, those without a failed renewal too."""
    found = {m.month: m for m in recovery_by_month(start=period.start_instant, end=period.tomorrow)}
    return [
        found.get(start) or RecoveryMonth(month=start, failed=0, recovered=0, lost=0)
        for start in period.months
    ]
