"""Read logic of the fundraisers' dashboard page, the admin-home panel and the reports.

Every figure is an aggregate the database computes; no query loops over donors, and the number of
queries is fixed whatever the number of donors and gifts (bench/bench_reports.py measures it at
100,000 donors and 1,000,000 gifts). Money is JPY, succeeded gifts net of refunds, like the
dashboard panel, except `donations_total_jpy`, which is `crm_stats`'s gross total.

Who counts as a member at a moment T (the charts' month ends): a monthly gift that had started by
T and had not ended by T. A cancelled gift ended when it was cancelled; a past-due or paused one
stopped counting when its status last changed (before that it was paid). At today's end this is
exactly "has an active monthly gift", the definition of `crm_stats` and the donor listing.

The package splits the read logic by job: `periods` (months and the period), `membership` (members
over time and cohorts), `figures` (the rest of the dashboard page), `panel` (the admin-home panel) and
`reports` (the report views' rule trees and querysets). Import from the package."""

from crm.reports.selectors.figures import (
    Comparison,
    Dashboard,
    Funnel,
    Headline,
    IncomeMonth,
    dashboard,
    facebook_funnel,
    headline,
    income_months,
    members_by_tier,
    month_so_far,
    newsletter_audience,
    same_day_last_year,
)
from crm.reports.selectors.membership import (
    Cohort,
    MembershipMonth,
    cohorts,
    membership_months,
)
from crm.reports.selectors.panel import (
    PanelActivity,
    panel_activity,
)
from crm.reports.selectors.periods import (
    COHORT_MONTHS,
    DEFAULT_MONTHS,
    MAX_MONTHS,
    RECENT,
    TIERS,
    Period,
    Status,
    add_months,
    as_date,
    aware,
    month_index,
    month_start,
)
from crm.reports.selectors.reports import (
    REPORT_RULES,
    FirstYear,
    card_expiry,
    company_giving,
    first_year_retention,
    gifts_by_month_method,
    past_due_since,
    report_donors,
    report_rule_tree,
)

__all__ = [
    "COHORT_MONTHS",
    "DEFAULT_MONTHS",
    "MAX_MONTHS",
    "RECENT",
    "REPORT_RULES",
    "TIERS",
    "Cohort",
    "Comparison",
    "Dashboard",
    "FirstYear",
    "Funnel",
    "Headline",
    "IncomeMonth",
    "MembershipMonth",
    "PanelActivity",
    "Period",
    "Status",
    "add_months",
    "as_date",
    "aware",
    "card_expiry",
    "cohorts",
    "company_giving",
    "dashboard",
    "facebook_funnel",
    "first_year_retention",
    "gifts_by_month_method",
    "headline",
    "income_months",
    "members_by_tier",
    "membership_months",
    "month_index",
    "month_so_far",
    "month_start",
    "newsletter_audience",
    "panel_activity",
    "past_due_since",
    "report_donors",
    "report_rule_tree",
    "same_day_last_year",
]
