"""The donor reports' rule trees and the reports' own querysets."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from crm.companies.models import PartnerCompany
from crm.giving.models import Donation, RecurringDonation
from crm.payments.models import PaymentCard
from crm.reports.selectors.membership import cohorts
from crm.reports.selectors.periods import Period, Status, aware, month_of, month_start

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
    # A monthly or yearly gift whose last payment failed, or whose card runs out this month or next.
    "at_risk": [
        {
            "match": "any",
            "rules": [_rule("membership", "is", "past_due"), _rule("card_expires", "within_next_months", 1)],
        }
    ],
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
        rules = [r for r in rules if r.get("field") != "lifetime_value"]
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


def card_expiry() -> Any:
    """The expiry (a date: the card's last month) of the card Stripe last showed for the donor."""
    return Subquery(
        PaymentCard.objects.filter(customer_id=OuterRef("stripe_customer_id"))
        .annotate(expiry=F("exp_year") * 100 + F("exp_month"))
        .values("expiry")[:1]
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
        .annotate(month=month_of("received_at"))
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
