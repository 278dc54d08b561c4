"""The fundraisers' dashboard page and reports in the Wagtail admin (CRM → Reports).

The dashboard draws each chart with pygal (crm.reports.charts) and puts its numbers beside it as a
table and a CSV download; the reports are Wagtail ReportViews (filters, CSV/XLSX export, each row
links to its donor or company) whose rows come from segment rules, so "Save as segment" keeps the
report's rules. Everything is for fundraisers: the views need permission to view donors.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from crm.community.models import FacebookGroupInvitation
from crm.companies.models import PartnerCompany
from crm.donors.models import Donor
from crm.giving.models import Donation
from crm.reports import charts, selectors
from crm.reports.selectors import Period
from crm.segments.models import Segment

donor_permission = ModelPermissionPolicy(Donor)
segment_permission = ModelPermissionPolicy(Segment)


def _month(day: datetime.date) -> str:
    return day.strftime("%Y-%m")


def _yen(value: int | None) -> str:
    return "" if value is None else f"¥{number_format(value, force_grouping=True)}"


# --- the dashboard page ------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    """From which month to which month the charts run (whole months; the last one up to today)."""

    start = forms.DateField(
        label=_("From (month)"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    end = forms.DateField(
        label=_("To (month)"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        this_month = selectors.month_start(self.today)
        end = min(selectors.month_start(data.get("end") or self.today), this_month)
        start = selectors.month_start(
            data.get("start") or selectors.add_months(end, -(selectors.DEFAULT_MONTHS - 1))
        )
        if start > end:
            raise forms.ValidationError(_("The first month must not be after the last one."))
        if selectors.month_index(end) - selectors.month_index(start) + 1 > selectors.MAX_MONTHS:
            raise forms.ValidationError(
                _("Choose at most %(months)s months.") % {"months": selectors.MAX_MONTHS}
            )
        data["period"] = Period(first=start, last=end, today=self.today)
        return data


def period_from(request, *, today: datetime.date | None = None) -> tuple[PeriodForm, Period]:
    today = today or timezone.localdate()
    form = PeriodForm(request.GET or None, today=today)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["period"]
    return form, Period.ending(today=today)


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
                    cells.append(_yen(value))
                elif isinstance(value, int):
                    cells.append(number_format(value, force_grouping=True))
                else:
                    cells.append(str(value))
            out.append(cells)
        return out


def _status_labels(choices) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices}


def dashboard_charts(data: selectors.Dashboard) -> list[Chart]:
    """The dashboard's charts in the staff user's language (the active one)."""
    months = [_month(m.start) for m in data.membership]
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
    movement = [
        (gettext("New"), [m.new for m in data.membership]),
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
            headers=[gettext("Joined"), gettext("New members"), *(str(k) for k in range(width))],
            rows=[[_month(c.start), c.joined, *c.percents] for c in data.cohorts],
            percent_table=True,
        )
    )
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
                [_month(m.start), m.monthly_jpy, m.one_off_jpy, m.bank_transfer_jpy, m.total_jpy]
                for m in data.income
            ],
            money_columns={1, 2, 3, 4},
            svg=charts.bars(
                title=gettext("Income by kind"),
                labels=[_month(m.start) for m in data.income],
                series=income_series,
                x_title=month_label,
                y_title="JPY",
                formatter=charts.yen,
                stacked=True,
            ),
        )
    )
    newsletter = _status_labels(Donor.NewsletterStatus.choices)
    audience = [(newsletter[status], n) for status, n in data.audience.items()]
    out.append(
        Chart(
            slug="audience",
            title=gettext("Newsletter audience by consent"),
            note=gettext("Donors (not erased) by their newsletter consent, today."),
            headers=[gettext("Consent"), gettext("Donors")],
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
    statuses = _status_labels(FacebookGroupInvitation.Status.choices)
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


class DashboardPageView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = donor_permission
    permission_required = "view"
    template_name = "crm/reports/dashboard.html"
    page_title = _("Fundraising dashboard")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, period = period_from(self.request)
        data = selectors.dashboard(period=period)
        query = urlencode({"start": _month(period.first), "end": _month(period.last)})
        chart_list = dashboard_charts(data)
        for chart in chart_list:
            chart.csv_url = reverse("crm_reports:chart_csv", args=[chart.slug]) + "?" + query
        context.update(
            form=form,
            period=period,
            data=data,
            charts=chart_list,
            reports=[
                (view.page_title, reverse(f"crm_reports:{slug}")) for slug, view in REPORT_VIEWS.items()
            ],
        )
        return context


def chart_csv(request, chart: str):
    """One chart's numbers as CSV (UTF-8 with a byte-order mark, so Excel in Japan reads it)."""
    if not donor_permission.user_has_permission(request.user, "view"):
        raise PermissionDenied
    _form, period = period_from(request)
    found = [c for c in dashboard_charts(selectors.dashboard(period=period)) if c.slug == chart]
    if not found:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{chart}-{_month(period.first)}-{_month(period.last)}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(found[0].headers)
    writer.writerows(found[0].rows)
    return response


# --- reports ----------------------------------------------------------------------------------------


class DonorReportFilterSet(WagtailFilterSet):
    """Filters every donor report offers; each becomes a segment rule (selectors.report_rule_tree),
    so they narrow the rows and a saved segment alike."""

    min_lifetime = django_filters.NumberFilter(
        label=_("Lifetime value at least (JPY)"), method="keep", min_value=0
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=Donor.Language.choices, method="keep", empty_label=_("Any")
    )

    class Meta:
        model = Donor
        fields: list[str] = []

    def keep(self, queryset, name, value):
        # Applied as rules in get_queryset, not here.
        return queryset


class CompanyReportFilterSet(WagtailFilterSet):
    min_lifetime = django_filters.NumberFilter(
        label=_("Lifetime value at least (JPY)"), method="keep", min_value=0
    )

    class Meta:
        model = PartnerCompany
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset


def _year_choices():
    this_year = timezone.localdate().year
    return [(str(y), str(y)) for y in range(this_year, this_year - 10, -1)]


class YearFilterSet(WagtailFilterSet):
    year = django_filters.ChoiceFilter(label=_("Year"), choices=_year_choices, method="keep")

    class Meta:
        model = Donation
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset


class GiftsFilterSet(YearFilterSet):
    method_is = django_filters.ChoiceFilter(
        label=_("Method"), choices=Donation.Method.choices, method="keep", empty_label=_("Any")
    )


class BaseReport(ReportView):
    """A CRM report: fundraisers only; rows from the report's rule tree; "Save as segment"."""

    template_name = "crm/reports/report.html"
    permission_policy = donor_permission
    permission_required = "view"
    header_icon = "table"
    paginate_by = 50
    slug = ""
    description = ""

    @property
    def index_url_name(self):
        return f"crm_reports:{self.slug}"

    @property
    def index_results_url_name(self):
        return f"crm_reports:{self.slug}_results"

    def filter_queryset(self, queryset):
        # The filters are part of the report's rules (get_queryset), so nothing more to do here.
        return queryset

    @staticmethod
    def values_of(filters) -> dict[str, Any]:
        form = filters.form if filters is not None else None
        if form is None or not form.is_valid():
            return {}
        return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}

    def filter_values(self) -> dict[str, Any]:
        return self.values_of(self.filters)

    def rule_tree(self) -> dict[str, Any]:
        return self.rule_tree_for(self.filter_values())

    @classmethod
    def rule_tree_for(cls, values: dict[str, Any]) -> dict[str, Any]:
        return selectors.report_rule_tree(
            cls.slug,
            min_lifetime=int(values["min_lifetime"]) if values.get("min_lifetime") else None,
            language=values.get("language", ""),
            year=int(values.get("year") or timezone.localdate().year),
        )

    def as_spreadsheet(self, queryset, spreadsheet_format):
        # Wagtail writes the file while the response streams, after the staff user's language was
        # switched off again: translate the headings now, in their language.
        self.export_headings = {k: str(v) for k, v in self.export_headings.items()}
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["description"] = self.description
        context["save_segment_url"] = reverse("crm_reports:save_segment", args=[self.slug])
        context["can_save_segment"] = segment_permission.user_has_permission(self.request.user, "add")
        context["filter_params"] = [(k, v) for k, v in self.request.GET.items() if k not in ("p", "export")]
        return context


def _donor_url(obj) -> str:
    return reverse("crm_donor:inspect", args=[obj.pk])


DONOR_COLUMNS = [
    TitleColumn("display_name", label=_("Donor"), get_url=_donor_url),
    Column("email", label=_("Email")),
    DateColumn("last_gift_at", label=_("Last gift")),
    Column("lifetime_display", label=_("Lifetime value")),
    Column("gift_count", label=_("Gifts")),
]


class DonorReport(BaseReport):
    filterset_class = DonorReportFilterSet
    columns = DONOR_COLUMNS
    list_export = ["pk", "display_name", "email", "last_gift_at", "lifetime_value", "gift_count"]
    export_headings = {
        "pk": _("Donor id"),
        "display_name": _("Donor"),
        "email": _("Email"),
        "last_gift_at": _("Last gift"),
        "lifetime_value": _("Lifetime value (JPY)"),
        "gift_count": _("Gifts"),
    }

    def get_queryset(self):
        return selectors.report_donors(self.rule_tree())

    def decorate_paginated_queryset(self, object_list):
        for donor in object_list:
            donor.lifetime_display = _yen(donor.lifetime_value)
        return object_list


class LybuntReport(DonorReport):
    slug = "lybunt"
    page_title = _("LYBUNT: gave last year, not this year")
    description = _(
        "Donors who gave last year but not yet this year, most valuable first. Ask them again before "
        "the year ends."
    )


class SybuntReport(DonorReport):
    slug = "sybunt"
    page_title = _("SYBUNT: gave some year, not this year")
    description = _("Donors who gave in some earlier year but not this year, most valuable first.")


class AtRiskReport(DonorReport):
    slug = "at_risk"
    page_title = _("Members at risk")
    description = _(
        "Monthly members whose last payment failed (past due). Card expiry dates are not stored in "
        "the CRM, so cards about to expire are not listed here."
    )
    columns = [
        *DONOR_COLUMNS[:2],
        DateColumn("past_due_since", label=_("Past due since")),
        *DONOR_COLUMNS[2:],
    ]
    list_export = [*DonorReport.list_export, "past_due_since"]
    export_headings = {**DonorReport.export_headings, "past_due_since": _("Past due since")}

    def get_queryset(self):
        return super().get_queryset().annotate(past_due_since=selectors.past_due_since())


class TopDonorsReport(DonorReport):
    slug = "top_donors"
    page_title = _("Top donors by lifetime giving")
    description = _(
        "Donors by lifetime giving (succeeded gifts in JPY, net of refunds). A segment saved from "
        "here keeps the lifetime-value threshold, not the ranking."
    )


def _company_url(obj) -> str:
    return reverse("crm_company:inspect", args=[obj.pk])


class TopCompaniesReport(BaseReport):
    slug = "top_companies"
    page_title = _("Top partner companies by lifetime giving")
    description = _(
        "Partner companies by the lifetime giving of their contacts. A segment saved from here holds "
        "every partner-company contact (with the lifetime-value threshold, if set)."
    )
    filterset_class = CompanyReportFilterSet
    columns = [
        TitleColumn("name", label=_("Company"), get_url=_company_url),
        Column("contact_count", label=_("Contacts")),
        Column("lifetime_display", label=_("Lifetime giving")),
    ]
    list_export = ["pk", "name", "contact_count", "lifetime_value"]
    export_headings = {
        "pk": _("Company id"),
        "name": _("Company"),
        "contact_count": _("Contacts"),
        "lifetime_value": _("Lifetime giving (JPY)"),
    }

    def get_queryset(self):
        values = self.filter_values()
        return selectors.company_giving(min_lifetime=int(values.get("min_lifetime") or 0) or None)

    def decorate_paginated_queryset(self, object_list):
        for company in object_list:
            company.lifetime_display = _yen(company.lifetime_value)
        return object_list


class GiftsByMonthReport(BaseReport):
    slug = "gifts_by_month"
    page_title = _("Gifts by month and method")
    description = _(
        "Succeeded gifts in JPY per month and payment method, for the accounts: gross, refunded and "
        "net. Each row links to those gifts. A segment saved from here holds the donors who gave in "
        "the year."
    )
    filterset_class = GiftsFilterSet
    paginate_by = 100
    columns = [
        TitleColumn("month_label", label=_("Month"), get_url=lambda row: row["url"]),
        Column("method_label", label=_("Method")),
        Column("gifts", label=_("Gifts")),
        Column("gross_display", label=_("Gross")),
        Column("refunded_display", label=_("Refunded")),
        Column("net_display", label=_("Net")),
    ]
    list_export = ["month_label", "method_label", "gifts", "gross", "refunded", "net"]
    export_headings = {
        "month_label": _("Month"),
        "method_label": _("Method"),
        "gifts": _("Gifts"),
        "gross": _("Gross (JPY)"),
        "refunded": _("Refunded (JPY)"),
        "net": _("Net (JPY)"),
    }

    def get_queryset(self):
        values = self.filter_values()
        year = int(values.get("year") or timezone.localdate().year)
        methods = _status_labels(Donation.Method.choices)
        rows = []
        for row in selectors.gifts_by_month_method(year=year, method=values.get("method_is", "")):
            month = selectors._as_date(row["month"])
            end = selectors.add_months(month, 1) - datetime.timedelta(days=1)
            query = urlencode(
                {
                    "received_at_after": month.isoformat(),
                    "received_at_before": end.isoformat(),
                    "method": row["method"],
                    "status": "succeeded",
                    "currency": "JPY",
                }
            )
            net = int(row["gross"]) - int(row["refunded"])
            rows.append(
                {
                    **row,
                    "month_label": _month(month),
                    "method_label": methods.get(row["method"], row["method"]),
                    "net": net,
                    "gross_display": _yen(row["gross"]),
                    "refunded_display": _yen(row["refunded"]),
                    "net_display": _yen(net),
                    "url": reverse("crm_donation:index") + "?" + query,
                }
            )
        return rows


class FirstYearReport(BaseReport):
    slug = "first_year"
    page_title = _("First-year retention")
    description = _(
        "New monthly members by joining month, and how many still gave on that gift at the end of the "
        "twelfth month after. A segment saved from here holds the members in their first year."
    )
    filterset_class = YearFilterSet
    columns = [
        Column("month_label", label=_("Joined")),
        Column("joined", label=_("New members")),
        Column("retained_display", label=_("Still giving after 12 months")),
        Column("percent_display", label=_("Retention")),
    ]
    list_export = ["month_label", "joined", "retained", "percent"]
    export_headings = {
        "month_label": _("Joined"),
        "joined": _("New members"),
        "retained": _("Still giving after 12 months"),
        "percent": _("Retention (%)"),
    }

    def get_queryset(self):
        values = self.filter_values()
        today = timezone.localdate()
        year = int(values.get("year") or today.year - 1)
        rows = []
        for row in selectors.first_year_retention(year=year, today=today):
            rows.append(
                {
                    "month_label": _month(row.start),
                    "joined": row.joined,
                    "retained": row.retained,
                    "percent": row.percent,
                    "retained_display": "—" if row.retained is None else row.retained,
                    "percent_display": "—" if row.percent is None else f"{row.percent}%",
                }
            )
        return rows


REPORT_VIEWS: dict[str, type[BaseReport]] = {
    view.slug: view
    for view in (
        LybuntReport,
        SybuntReport,
        AtRiskReport,
        TopDonorsReport,
        TopCompaniesReport,
        GiftsByMonthReport,
        FirstYearReport,
    )
}


@require_POST
def save_segment(request, report: str):
    """Save a report, with its filters, as a segment of the same rules; then open it for editing."""
    view_class = REPORT_VIEWS.get(report)
    if view_class is None:
        raise Http404
    if not segment_permission.user_has_permission(request.user, "add"):
        raise PermissionDenied
    # The report's filters arrive as the form's fields; read them the way the report does.
    filterset_class = view_class.filterset_class
    filters = filterset_class(request.POST, queryset=filterset_class._meta.model.objects.none())
    tree = view_class.rule_tree_for(view_class.values_of(filters))
    name = f"{view_class.page_title} {timezone.localdate().isoformat()}"
    base = slugify(f"report-{report}-{timezone.localdate().isoformat()}")
    slug, n = base, 1
    while Segment.objects.filter(slug=slug).exists() or Segment.objects.filter(name=name).exists():
        n += 1
        slug = f"{base}-{n}"
        name = f"{view_class.page_title} {timezone.localdate().isoformat()} ({n})"
    segment = Segment.objects.create(
        name=name[:100],
        slug=slug[:100],
        description=str(view_class.description),
        match=tree["match"],
        rules=[{"type": "rule", "value": rule} for rule in tree["rules"]],
        # Pushing makes Mailchimp tags: the fundraiser decides on the segment's page.
        push_to_mailchimp=False,
        created_by=request.user,
    )
    messages.success(
        request,
        _("Saved as the segment “%(name)s”: it keeps the report's rules, so it stays up to date.")
        % {"name": segment.name},
    )
    return redirect("crm_segment:edit", segment.pk)


class ReportsViewSet(ViewSet):
    """CRM → Reports: the dashboard page first, then every report."""

    name = "crm_reports"
    url_prefix = "crm/reports"
    icon = "table"
    menu_label = _("Reports and dashboard")

    def get_urlpatterns(self):
        patterns = [
            path("", DashboardPageView.as_view(), name="dashboard"),
            path("chart/<slug:chart>.csv", chart_csv, name="chart_csv"),
            path("save/<slug:report>/", save_segment, name="save_segment"),
        ]
        for slug, view in REPORT_VIEWS.items():
            url = slug.replace("_", "-")
            patterns += [
                path(f"{url}/", view.as_view(), name=slug),
                path(f"{url}/results/", view.as_view(results_only=True), name=f"{slug}_results"),
            ]
        return patterns

    @property
    def menu_url(self):
        return reverse("crm_reports:dashboard")

    def get_menu_item(self, order=None):
        item = super().get_menu_item(order)
        item.is_shown = lambda request: donor_permission.user_has_permission(request.user, "view")
        return item
