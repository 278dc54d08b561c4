"""Read logic of the fundraisers' dashboard page, the admin-home panel and the reports.

Every figure is an aggregate the database computes; no query loops over donors, and the number of
queries is fixed whatever the number of donors and gifts (bench/bench_reports.py measures it at
100,000 donors and 1,000,000 gifts). Money is JPY, succeeded gifts net of refunds, like the
dashboard panel, except `donations_total_jpy`, which is `crm_stats`'s gross total.

Who counts as a member at a moment T (the charts' month ends): a monthly gift that had started by
T and had not ended by T. A cancelled gift ended when it was cancelled; a past-due or paused one
stopped counting when its status last changed (before that it was paid). At today's end this is
exactly "has an active monthly gift", the definition of `crm_stats` and the donor listing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, TruncMonth
from django.utils import timezone

from crm.community.models import FacebookGroupInvitation
from crm.companies.models import PartnerCompany
from crm.donors.models import Donor
from crm.giving.models import Donation, DonorGiving, RecurringDonation
from crm.giving.selectors import monthly_recurring_revenue

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


def aware(day: datetime.date) -> datetime.datetime:
    """Midnight in the site's time zone (Tokyo): months are Japanese calendar months."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


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

    def covered(sy, sm, ey, em) -> range:
        start = sy * 12 + sm - 1
        end = last + 1 if ey is None else ey * 12 + em - 1  # the first month it no longer counts
        return range(max(start, first) - first, min(end, last + 1) - first)

    several = _started().values("donor").annotate(n=Count("pk")).filter(n__gt=1).values("donor")
    spans = (
        _started()
        .annotate(sy=ExtractYear("started_at"), sm=ExtractMonth("started_at"), ended=_ended_at())
        .annotate(ey=ExtractYear("ended"), em=ExtractMonth("ended"))
    )
    for row in (
        spans.filter(started_at__lt=period.end_instant)
        .values("sy", "sm", "ey", "em", "interval", "currency")
        .annotate(n=Count("pk"), single=Count("pk", filter=~Q(donor__in=several)), amount=Sum("amount"))
    ):
        for i in covered(row["sy"], row["sm"], row["ey"], row["em"]):
            members[i] += row["single"]
            if row["currency"] == "JPY":
                if row["interval"] == "year":
                    yearly[i] += int(row["amount"])
                else:
                    monthly[i] += int(row["amount"])
    counted: list[set[int]] = [set() for _ in months]
    for row in spans.filter(donor__in=several, started_at__lt=period.end_instant).values(
        "donor", "sy", "sm", "ey", "em"
    ):
        for i in covered(row["sy"], row["sm"], row["ey"], row["em"]):
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


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _joins_by_month(period: Period) -> tuple[dict[datetime.date, int], dict[datetime.date, int]]:
    """New members (a donor's first monthly gift) and returning ones (a new gift after every earlier
    one had ended). A gift started while another still ran (a change of amount) is neither."""
    rows = (
        _started()
        .filter(started_at__gte=period.start_instant, started_at__lt=period.end_instant)
        .annotate(
            month=TruncMonth("started_at"),
            is_first=~Exists(_earlier_gifts()),
            after_gap=~Exists(
                _earlier_gifts().filter(
                    Q(canceled_at__isnull=True) | Q(canceled_at__gte=OuterRef("started_at"))
                )
            ),
        )
        .values("month")
        .annotate(
            new=Count("donor", distinct=True, filter=Q(is_first=True)),
            returning=Count("donor", distinct=True, filter=Q(is_first=False, after_gap=True)),
        )
    )
    new: dict[datetime.date, int] = {}
    returning: dict[datetime.date, int] = {}
    for row in rows:
        new[_as_date(row["month"])] = row["new"]
        returning[_as_date(row["month"])] = row["returning"]
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
        .annotate(month=TruncMonth("canceled_at"), replaced=Exists(still_giving))
        .values("month")
        .annotate(lost=Count("donor", distinct=True, filter=Q(replaced=False)))
    )
    return {_as_date(row["month"]): row["lost"] for row in rows}


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
        return [
            None if n is None else round(n * 100 / self.joined) if self.joined else 0 for n in self.retained
        ]


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
        .annotate(
            sy=ExtractYear("started_at"),
            sm=ExtractMonth("started_at"),
            # The moment the gift stopped counting; null while it still runs.
            ended=_ended_at(),
        )
        .annotate(ey=ExtractYear("ended"), em=ExtractMonth("ended"))
        .values("sy", "sm", "ey", "em")
        .annotate(n=Count("donor", distinct=True))
    )
    ending: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        end = None if row["ey"] is None else row["ey"] * 12 + row["em"] - 1
        ending[row["sy"] * 12 + row["sm"] - 1][end] += row["n"]
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
    return Case(
        When(status=Status.CANCELED, then=Coalesce("canceled_at", "status_changed_at")),
        When(status__in=[Status.PAST_DUE, Status.PAUSED], then="status_changed_at"),
        default=None,
    )


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


def _net(condition: Q):
    return Coalesce(Sum("amount", filter=condition), 0) - Coalesce(
        Sum("amount_refunded", filter=condition), 0
    )


def income_months(period: Period) -> list[IncomeMonth]:
    """Money received per month (JPY, net of refunds): monthly gifts, one-off gifts by card, cash and
    other, and one-off bank transfers (Donation.method). One query, grouped by month and kind."""
    kind = Case(
        When(recurring_donation__isnull=False, then=Value("monthly")),
        When(method=Donation.Method.BANK_TRANSFER, then=Value("bank")),
        default=Value("one_off"),
    )
    rows = (
        Donation.objects.succeeded()
        .filter(currency="JPY", received_at__gte=period.start_instant, received_at__lt=period.end_instant)
        .order_by()
        .annotate(month=TruncMonth("received_at"), kind=kind)
        .values("month", "kind")
        .annotate(net=Sum(F("amount") - F("amount_refunded")))
    )
    by_month: dict[datetime.date, dict[str, int]] = defaultdict(dict)
    for row in rows:
        by_month[_as_date(row["month"])][row["kind"]] = int(row["net"] or 0)
    return [
        IncomeMonth(
            start=start,
            monthly_jpy=by_month[start].get("monthly", 0),
            one_off_jpy=by_month[start].get("one_off", 0),
            bank_transfer_jpy=by_month[start].get("bank", 0),
        )
        for start in period.months
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


def headline() -> Headline:
    return Headline(
        donors=Donor.objects.active().count(),
        active_members=Donor.objects.members().count(),
        mrr_jpy=monthly_recurring_revenue(currency="JPY"),
        donations_total_jpy=Donation.objects.total(currency="JPY"),
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
    """Received from the 1st to today, and from the 1st to the same day a year ago. One query."""
    before = same_day_last_year(today)
    this_year = Q(
        received_at__gte=aware(month_start(today)), received_at__lt=aware(today + datetime.timedelta(days=1))
    )
    last_year = Q(
        received_at__gte=aware(month_start(before)),
        received_at__lt=aware(before + datetime.timedelta(days=1)),
    )
    sums = (
        Donation.objects.succeeded()
        .filter(currency="JPY")
        .filter(this_year | last_year)
        .order_by()
        .aggregate(now=_net(this_year), before=_net(last_year))
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
    extra: dict[str, Any] = field(default_factory=dict)


def dashboard(*, period: Period) -> Dashboard:
    """Everything the dashboard page shows: 15 queries, whatever the data or the period."""
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
    )


# --- the admin-home panel's lists ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PanelActivity:
    """What happened lately, for the admin-home panel: four short lists, four queries."""

    recent_gifts: list[Donation]
    new_members: list[RecurringDonation]
    lost_members: list[RecurringDonation]
    failed_payments: list[Donation]


def panel_activity(*, today: datetime.date, days: int = 30, limit: int = RECENT) -> PanelActivity:
    since = aware(today - datetime.timedelta(days=days))
    until = aware(today + datetime.timedelta(days=1))
    donor_fields = ("donor__family_name", "donor__given_name", "donor__email", "donor__erased_at")

    def gifts(status: str) -> list[Donation]:
        return list(
            Donation.objects.filter(status=status, received_at__gte=since, received_at__lt=until)
            .select_related("donor")
            .only("amount", "currency", "received_at", "method", "recurring_donation", "donor", *donor_fields)
            .order_by("-received_at", "-pk")[:limit]
        )

    memberships = RecurringDonation.objects.select_related("donor").only(
        "amount", "currency", "interval", "started_at", "canceled_at", "status", "donor", *donor_fields
    )
    return PanelActivity(
        recent_gifts=gifts(Donation.Status.SUCCEEDED),
        failed_payments=gifts(Donation.Status.FAILED),
        new_members=list(
            memberships.exclude(status=Status.INCOMPLETE)
            .filter(started_at__gte=since, started_at__lt=until)
            .order_by("-started_at", "-pk")[:limit]
        ),
        lost_members=list(
            memberships.filter(
                status=Status.CANCELED, canceled_at__gte=since, canceled_at__lt=until
            ).order_by("-canceled_at", "-pk")[:limit]
        ),
    )


# --- reports ----------------------------------------------------------------------------------------
#
# Each donor report is a rule tree of the segment builder (crm.segments.rules), so "save as segment"
# keeps the report's rules: the segment is re-evaluated whenever it is used, never a frozen list.


def _rule(field_name: str, operator: str, value: Any = "", value2: Any = "") -> dict[str, str]:
    return {"field": field_name, "operator": operator, "value": str(value), "value2": str(value2)}


REPORT_RULES: dict[str, list[dict[str, str]]] = {
    # Gave last year, not (yet) this year.
    "lybunt": [_rule("lapsed", "last_year_not_this_year")],
    # Gave in some year before this one, not this year.
    "sybunt": [_rule("lapsed", "some_year_not_this_year")],
    # A monthly gift whose last payment failed. Card expiry is not stored, so it is not a criterion.
    "at_risk": [_rule("membership", "is", "past_due")],
    "top_donors": [_rule("lifetime_value", "gte", 1)],
    "top_companies": [_rule("company", "any")],
    "gifts_by_month": [],
    # Members in their first year: the ones first-year retention is about.
    "first_year": [_rule("membership", "is", "member"), _rule("tenure_months", "lte", 12)],
}


def report_rule_tree(
    report: str,
    *,
    min_lifetime: int | None = None,
    language: str = "",
    year: int | None = None,
) -> dict[str, Any]:
    """The rule tree of a report with its filters applied: what the report lists, and what a
    segment saved from it selects."""
    rules = [dict(r) for r in REPORT_RULES[report]]
    if min_lifetime:
        rules = [r for r in rules if r["field"] != "lifetime_value"]
        rules.append(_rule("lifetime_value", "gte", min_lifetime))
    if language:
        rules.append(_rule("language", "is", language))
    if report == "gifts_by_month" and year:
        rules.append(_rule("gave_in_year", "gave", year))
    return {"match": "all", "rules": rules}


def report_donors(tree: dict[str, Any], *, today: datetime.date | None = None) -> QuerySet:
    """The donors of a report's rule tree with their giving summary, most valuable first."""
    from crm.segments.rules import donors_matching

    return (
        donors_matching(tree, today=today)
        .with_giving()
        .only("pk", "family_name", "given_name", "email", "erased_at", "preferred_language", "company")
        .order_by("-giving__lifetime_value", "pk")
    )


def past_due_since() -> Any:
    """When a donor's monthly gift fell past due (the latest, if several)."""
    from django.db.models import Max, Subquery

    return Subquery(
        RecurringDonation.objects.filter(donor=OuterRef("pk"), status=Status.PAST_DUE)
        .order_by()
        .values("donor")
        .annotate(at=Max("status_changed_at"))
        .values("at")[:1]
    )


def company_giving(*, min_lifetime: int | None = None) -> QuerySet:
    """Partner companies by the lifetime giving of their contacts (the stored giving summary)."""
    rows = PartnerCompany.objects.annotate(
        lifetime_value=Coalesce(
            Sum("contacts__giving__lifetime_value", filter=Q(contacts__erased_at__isnull=True)), 0
        ),
        contact_count=Count("contacts", filter=Q(contacts__erased_at__isnull=True), distinct=True),
    ).order_by("-lifetime_value", "name")
    if min_lifetime:
        rows = rows.filter(lifetime_value__gte=min_lifetime)
    return rows


def gifts_by_month_method(*, year: int, method: str = "") -> QuerySet:
    """Succeeded gifts per month and payment method in a year, for the accounts: count, gross,
    refunded, net (JPY)."""
    start, end = aware(datetime.date(year, 1, 1)), aware(datetime.date(year + 1, 1, 1))
    gifts = Donation.objects.succeeded().filter(currency="JPY", received_at__gte=start, received_at__lt=end)
    if method:
        gifts = gifts.filter(method=method)
    return (
        gifts.order_by()
        .annotate(month=TruncMonth("received_at"))
        .values("month", "method")
        .annotate(
            gifts=Count("pk"),
            gross=Coalesce(Sum("amount"), 0),
            refunded=Coalesce(Sum("amount_refunded"), 0),
        )
        .order_by("month", "method")
    )


@dataclass(frozen=True, kw_only=True)
class FirstYear:
    start: datetime.date
    joined: int
    retained: int | None  # still giving 12 months after the joining month; None: not a year yet

    @property
    def percent(self) -> int | None:
        if self.retained is None or not self.joined:
            return None
        return round(self.retained * 100 / self.joined)


def first_year_retention(*, year: int, today: datetime.date) -> list[FirstYear]:
    """New members who joined in each month of `year`, and how many still gave a year later (at the
    end of the twelfth month after the joining month). One query."""
    period = Period(first=datetime.date(year, 1, 1), last=datetime.date(year, 12, 1), today=today)
    if period.last > month_start(today):
        period = Period(first=period.first, last=month_start(today), today=today)
    if period.first > period.last:
        return []
    table = cohorts(period, months=13, count=12)
    return [FirstYear(start=c.start, joined=c.joined, retained=c.retained[12]) for c in table]
