"""The fundraisers' dashboard on the Wagtail admin home: headline figures, the last twelve months,
and what needs someone's attention.

Every figure is one aggregate query (no loops over donors); the whole panel is cached for a few
minutes, because the admin home is opened often and the figures move slowly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from crm.community.models import FacebookGroupInvitation
from crm.community.selectors import invitation_queue_count
from crm.donors.models import Donor
from crm.giving.models import DailyIncome, RecurringDonation
from crm.giving.selectors import monthly_recurring_revenue
from crm.imports.models import DonorImportJob
from crm.mailing.models import MailchimpSyncRun
from crm.payments.models import StripeEvent
from crm.reports.selectors import PanelActivity, panel_activity

CACHE_KEY = "crm:dashboard:v1"
CACHE_SECONDS = 300
MONTHS = 12


@dataclass(frozen=True, kw_only=True)
class Month:
    start: datetime.date
    members: int
    received_jpy: int


@dataclass(kw_only=True)
class DashboardFigures:
    today: datetime.date
    donors: int
    active_members: int
    mrr_jpy: int
    joined_this_month: int
    canceled_this_month: int
    received_this_month_jpy: int
    received_same_month_last_year_jpy: int
    received_this_year_jpy: int
    received_last_year_to_date_jpy: int
    months: list[Month] = field(default_factory=list)
    stripe_events_failed: int = 0
    mailchimp_last_run: dict | None = None
    facebook_to_invite: int = 0
    imports_running: int = 0
    activity: PanelActivity | None = None

    @property
    def peak_members(self) -> int:
        return max((m.members for m in self.months), default=0)

    @property
    def peak_received(self) -> int:
        return max((m.received_jpy for m in self.months), default=0)

    @property
    def month_change_percent(self) -> int | None:
        return _change(self.received_this_month_jpy, self.received_same_month_last_year_jpy)

    @property
    def year_change_percent(self) -> int | None:
        return _change(self.received_this_year_jpy, self.received_last_year_to_date_jpy)

    @property
    def month_change_signed(self) -> str:
        return _signed(self.month_change_percent)

    @property
    def year_change_signed(self) -> str:
        return _signed(self.year_change_percent)


def _signed(percent: int | None) -> str:
    """ "+5", "-3" or "0": the sign goes with the number, wherever a translation puts it."""
    if percent is None:
        return ""
    return f"+{percent}" if percent > 0 else str(percent)


def _change(now: int, before: int) -> int | None:
    """Whole-percent change against last year; None when there is nothing to compare with."""
    if before <= 0:
        return None
    return round((now - before) * 100 / before)


def _month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    starts = []
    year, month = today.year, today.month
    for _ in range(count):
        starts.append(datetime.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(starts))


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _net_in_windows(windows: dict[str, tuple[datetime.date, datetime.date]]) -> dict[str, int]:
    """Gifts (succeeded, JPY) received on the days of each window [start, end), minus what was
    refunded of them: one query over the stored daily income (DailyIncome), summed per day, then
    each window adds up its days. Summing the gifts themselves read 400,000 rows at 100,000 donors
    (bench/bench_reports.py); the days of two years are 730.
    """
    first = min(start for start, _ in windows.values())
    last = max(end for _, end in windows.values())
    by_day = dict(
        DailyIncome.objects.filter(currency="JPY", day__gte=first, day__lt=last)
        .order_by()
        .values("day")
        .annotate(net=Sum(F("gross") - F("refunded")))
        .values_list("day", "net")
    )
    return {
        name: sum(int(net or 0) for day, net in by_day.items() if start <= day < end)
        for name, (start, end) in windows.items()
    }


def dashboard_figures(*, today: datetime.date | None = None, use_cache: bool = True) -> DashboardFigures:
    today = today or timezone.localdate()
    key = f"{CACHE_KEY}:{today.isoformat()}"
    if use_cache:
        cached = cache.get(key)
        if cached is not None:
            return cached
    figures = _compute(today)
    cache.set(key, figures, CACHE_SECONDS)
    return figures


def _compute(today: datetime.date) -> DashboardFigures:
    starts = _month_starts(today, MONTHS)
    month_start = _aware(starts[-1])
    tomorrow = _aware(today + datetime.timedelta(days=1))
    try:
        last_year_today = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        last_year_today = today.replace(year=today.year - 1, day=28)

    # Members at the end of each month: started by then and not canceled by then. One query.
    month_ends = [_aware(_next_month(start)) for start in starts]
    month_ends[-1] = min(month_ends[-1], tomorrow)
    members_at = RecurringDonation.objects.order_by().aggregate(
        **{
            f"m{i}": Count(
                "donor",
                distinct=True,
                filter=Q(started_at__lt=end)
                & (Q(canceled_at__isnull=True) | Q(canceled_at__gte=end))
                & ~Q(status=RecurringDonation.Status.INCOMPLETE),
            )
            for i, end in enumerate(month_ends)
        },
        joined=Count("donor", distinct=True, filter=Q(started_at__gte=month_start)),
        canceled=Count("donor", distinct=True, filter=Q(canceled_at__gte=month_start)),
    )

    # Money received (net of refunds) per month over the same window, and year on year. One query.
    # Like for like: this month so far against the same days of the month a year ago.
    after_today = today + datetime.timedelta(days=1)
    windows = {
        **{f"r{i}": (start, min(_next_month(start), after_today)) for i, start in enumerate(starts)},
        "year": (datetime.date(today.year, 1, 1), after_today),
        "last_year_to_date": (
            datetime.date(today.year - 1, 1, 1),
            last_year_today + datetime.timedelta(days=1),
        ),
        "same_month_last_year": (
            datetime.date(today.year - 1, today.month, 1),
            last_year_today + datetime.timedelta(days=1),
        ),
    }
    sums = _net_in_windows(windows)

    figures = DashboardFigures(
        today=today,
        donors=Donor.objects.active().count(),
        active_members=Donor.objects.members().count(),
        mrr_jpy=monthly_recurring_revenue(currency="JPY"),
        joined_this_month=members_at["joined"],
        canceled_this_month=members_at["canceled"],
        received_this_month_jpy=int(sums[f"r{MONTHS - 1}"]),
        received_same_month_last_year_jpy=int(sums["same_month_last_year"]),
        received_this_year_jpy=int(sums["year"]),
        received_last_year_to_date_jpy=int(sums["last_year_to_date"]),
        months=[
            Month(start=start, members=members_at[f"m{i}"], received_jpy=int(sums[f"r{i}"]))
            for i, start in enumerate(starts)
        ],
    )
    _attention(figures)
    figures.activity = panel_activity(today=today)
    return figures


def _attention(figures: DashboardFigures) -> None:
    """Counts of things someone should look at."""

    figures.stripe_events_failed = StripeEvent.objects.filter(status=StripeEvent.Status.FAILED).count()
    last = (
        MailchimpSyncRun.objects.order_by("-started_at")
        .values("pk", "status", "started_at", "failed")
        .first()
    )
    figures.mailchimp_last_run = last
    figures.imports_running = DonorImportJob.objects.filter(stage__in=DonorImportJob.RUNNING).count()
    figures.facebook_to_invite = invitation_queue_count(statuses=[FacebookGroupInvitation.Status.ELIGIBLE])
