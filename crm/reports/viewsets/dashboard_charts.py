"""The dashboard's charts: each drawn with pygal (crm.reports.charts), with the same numbers as a
table and a CSV file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext

from crm.community.models import FacebookGroupInvitation
from crm.donors.models import Donor
from crm.reports import charts, selectors
from crm.reports.viewsets.common import choice_labels, format_month, format_yen


@dataclass(kw_only=True)
class Chart:
    """One chart of the dashboard: the drawing, and the same numbers as a table and a CSV file."""

    slug: str
    title: str
    note: str
    headers: list[str]
    rows: list[list[Any]]  # raw values, for the CSV
    svg: SafeString | None = None
    money_columns: set[int] = field(default_factory=set)
    percent_table: bool = False

    @property
    def display_rows(self) -> list[list[str]]:
        out = []
        for row in self.rows:
            cells = []
            for i, value in enumerate(row):
                if value is None:
                    cells.append("—")
                elif i in self.money_columns:
                    cells.append(format_yen(value))
                elif isinstance(value, int):
                    cells.append(number_format(value, force_grouping=True))
                else:
                    cells.append(str(value))
            out.append(cells)
        return out


def dashboard_charts(data: selectors.Dashboard) -> list[Chart]:
    """The dashboard's charts in the staff user's language (the active one)."""
    return [
        *_membership_charts(data),
        *_movement_charts(data),
        *_giving_charts(data),
        *_audience_charts(data),
        _recovery_chart(data),
    ]


def _recovery_chart(data: selectors.Dashboard) -> Chart:
    """Failed renewals and how many were recovered, by the month they failed."""
    months = [format_month(m.month) for m in data.recovery]
    rates = [round(m.rate * 100) if m.rate is not None else None for m in data.recovery]
    return Chart(
        slug="recovery",
        title=gettext("Failed renewals recovered"),
        note=gettext(
            "Monthly and yearly renewals whose card payment failed, by the month of the failure: "
            "recovered when paid later (Stripe's retry or a new card), lost when the gift ended "
            "unpaid. Recovery rate = recovered / failed."
        ),
        headers=[
            gettext("Month"),
            gettext("Failed"),
            gettext("Recovered"),
            gettext("Lost"),
            gettext("Still open"),
            gettext("Recovery rate (%)"),
        ],
        rows=[
            [label, m.failed, m.recovered, m.lost, m.open, rate]
            for label, m, rate in zip(months, data.recovery, rates, strict=True)
        ],
        svg=charts.bars(
            title=gettext("Failed renewals recovered"),
            labels=months,
            series=[
                (gettext("Recovered"), [m.recovered for m in data.recovery]),
                (gettext("Lost"), [m.lost for m in data.recovery]),
                (gettext("Still open"), [m.open for m in data.recovery]),
            ],
            x_title=gettext("Month"),
            y_title=gettext("Failed renewals"),
            stacked=True,
        ),
    )


def _membership_charts(data: selectors.Dashboard) -> list[Chart]:
    """Members and monthly recurring revenue at each month's end."""
    months = [format_month(m.start) for m in data.membership]
    month_label = gettext("Month")
    out: list[Chart] = []
    out.append(
        Chart(
            slug="members",
            title=gettext("Active monthly members"),
            note=gettext(
                "Donors with a monthly gift running at each month's end; the current month is counted "
                "up to today."
            ),
            headers=[month_label, gettext("Active members")],
            rows=[[label, m.members] for label, m in zip(months, data.membership, strict=True)],
            svg=charts.line(
                title=gettext("Active monthly members"),
                labels=months,
                series=[(gettext("Active members"), [m.members for m in data.membership])],
                x_title=month_label,
                y_title=gettext("Members"),
            ),
        )
    )
    out.append(
        Chart(
            slug="mrr",
            title=gettext("Monthly recurring revenue"),
            note=gettext(
                "Monthly gifts running at each month's end (JPY); a yearly gift counts as a twelfth."
            ),
            headers=[month_label, gettext("MRR (JPY)")],
            rows=[[label, m.mrr_jpy] for label, m in zip(months, data.membership, strict=True)],
            money_columns={1},
            svg=charts.line(
                title=gettext("Monthly recurring revenue"),
                labels=months,
                series=[(gettext("MRR"), [m.mrr_jpy for m in data.membership])],
                x_title=month_label,
                y_title="JPY",
                formatter=charts.yen,
            ),
        )
    )
    return out


def _movement_charts(data: selectors.Dashboard) -> list[Chart]:
    """Who joined, came back and left each month, and how long each month's newcomers stayed."""
    months = [format_month(m.start) for m in data.membership]
    month_label = gettext("Month")
    out: list[Chart] = []
    movement = [
        (pgettext("members", "New"), [m.new for m in data.membership]),
        (gettext("Returning"), [m.returning for m in data.membership]),
        (gettext("Lost"), [m.lost for m in data.membership]),
    ]
    out.append(
        Chart(
            slug="movement",
            title=gettext("New, returning and lost members"),
            note=gettext(
                "New: a donor's first monthly gift. Returning: a new monthly gift after every earlier one "
                "had ended. Lost: a monthly gift cancelled with no other one running. A change of amount "
                "is none of these."
            ),
            headers=[month_label, *(name for name, _v in movement)],
            rows=[
                [label, m.new, m.returning, m.lost] for label, m in zip(months, data.membership, strict=True)
            ],
            svg=charts.bars(
                title=gettext("New, returning and lost members"),
                labels=months,
                series=movement,
                x_title=month_label,
                y_title=gettext("Members"),
            ),
        )
    )
    width = max((len(c.retained) for c in data.cohorts), default=selectors.COHORT_MONTHS)
    out.append(
        Chart(
            slug="cohorts",
            title=gettext("Retention by joining month"),
            note=gettext(
                "Donors by the month of their first monthly gift, and the share still giving on it at "
                "the end of each following month (0 = the joining month)."
            ),
            headers=[gettext("Joining month"), gettext("New members"), *(str(k) for k in range(width))],
            rows=[[format_month(c.start), c.joined, *c.percents] for c in data.cohorts],
            percent_table=True,
        )
    )
    return out


def _giving_charts(data: selectors.Dashboard) -> list[Chart]:
    """Members by monthly amount, and the money received each month by kind."""
    month_label = gettext("Month")
    out: list[Chart] = []
    tier_labels = {
        "other": gettext("Under ¥1,000"),
        "1000": gettext("¥1,000–4,999"),
        "5000": gettext("¥5,000–9,999"),
        "10000": gettext("¥10,000 and more"),
    }
    tiers = [(tier_labels[key], data.tiers[key]) for key, _low, _high in selectors.TIERS]
    out.append(
        Chart(
            slug="tiers",
            title=gettext("Members by monthly amount"),
            note=gettext("Active members by the sum of their monthly gifts, today."),
            headers=[gettext("Monthly amount"), gettext("Members")],
            rows=[list(t) for t in tiers],
            svg=charts.horizontal(
                title=gettext("Members by monthly amount"), items=tiers, x_title=gettext("Members")
            ),
        )
    )
    income_series = [
        (gettext("Monthly gifts"), [m.monthly_jpy for m in data.income]),
        (gettext("One-off gifts"), [m.one_off_jpy for m in data.income]),
        (gettext("Bank transfers"), [m.bank_transfer_jpy for m in data.income]),
    ]
    out.append(
        Chart(
            slug="income",
            title=gettext("Income by kind"),
            note=gettext(
                "Succeeded gifts in JPY, net of refunds. Bank transfers: one-off gifts whose payment "
                "method is bank transfer; monthly gifts count as monthly whatever their method."
            ),
            headers=[month_label, *(name for name, _v in income_series), gettext("Total")],
            rows=[
                [format_month(m.start), m.monthly_jpy, m.one_off_jpy, m.bank_transfer_jpy, m.total_jpy]
                for m in data.income
            ],
            money_columns={1, 2, 3, 4},
            svg=charts.bars(
                title=gettext("Income by kind"),
                labels=[format_month(m.start) for m in data.income],
                series=income_series,
                x_title=month_label,
                y_title="JPY",
                formatter=charts.yen,
                stacked=True,
            ),
        )
    )
    return out


def _audience_charts(data: selectors.Dashboard) -> list[Chart]:
    """The newsletter audience and the Facebook-group funnel."""
    out: list[Chart] = []
    newsletter = choice_labels(Donor.NewsletterStatus.choices)
    audience = [(newsletter[status], n) for status, n in data.audience.items()]
    out.append(
        Chart(
            slug="audience",
            title=gettext("Newsletter audience by consent"),
            note=gettext("Donors (not erased) by their newsletter consent, today."),
            headers=[pgettext("newsletter consent", "Consent"), gettext("Donors")],
            rows=[list(a) for a in audience],
            svg=charts.horizontal(
                title=gettext("Newsletter audience by consent"), items=audience, x_title=gettext("Donors")
            ),
        )
    )
    funnel = data.funnel
    stages = [
        (gettext("Eligible (ever queued)"), funnel.eligible),
        (gettext("Invited"), funnel.invited),
        (gettext("Joined"), funnel.joined),
        (gettext("Removed"), funnel.removed),
    ]
    statuses = choice_labels(FacebookGroupInvitation.Status.choices)
    out.append(
        Chart(
            slug="facebook",
            title=gettext("Facebook-group funnel"),
            note=gettext(
                "Everyone ever in the invitation queue, of them those invited, those who joined and those "
                "removed again; below, where each invitation stands today."
            ),
            headers=[gettext("Stage"), gettext("Donors")],
            rows=[list(s) for s in stages]
            + [
                [gettext("Now: %(status)s") % {"status": statuses[s]}, n] for s, n in funnel.by_status.items()
            ],
            svg=charts.horizontal(
                title=gettext("Facebook-group funnel"), items=stages, x_title=gettext("Donors")
            ),
        )
    )
    return out
