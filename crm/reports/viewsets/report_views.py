"""The reports: Wagtail ReportViews (filters, CSV/XLSX export, each row links to its donor or company)
whose rows come from segment rules, and "Save as segment", which keeps a report's rules."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from crm.companies.models import PartnerCompany
from crm.donors.models import Donor
from crm.exports import PeopleSpreadsheetMixin
from crm.giving.models import Donation
from crm.reports import selectors
from crm.reports.viewsets.common import (
    choice_labels,
    donor_permission,
    format_month,
    format_yen,
    segment_permission,
)
from crm.segments.models import Segment


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


class BaseReport(PeopleSpreadsheetMixin, ReportView):
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
    Column("email", label=pgettext_lazy("email address", "Email")),
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
        "email": pgettext_lazy("email address", "Email"),
        "last_gift_at": _("Last gift"),
        "lifetime_value": _("Lifetime value (JPY)"),
        "gift_count": _("Gifts"),
    }

    def get_queryset(self):
        return selectors.report_donors(self.rule_tree())

    def decorate_paginated_queryset(self, object_list):
        for donor in object_list:
            donor.lifetime_display = format_yen(donor.lifetime_value)
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


def _card_expiry_text(donor) -> str:
    """202701 -> "01/2027", as the card shows it; blank when no card is known."""
    expiry = getattr(donor, "card_expiry", None)
    return f"{expiry % 100:02d}/{expiry // 100}" if expiry else ""


class AtRiskReport(DonorReport):
    slug = "at_risk"
    page_title = _("Members at risk")
    description = _(
        "Monthly and yearly members whose last payment failed (past due), and members whose card "
        "expires this month or next (their next renewal will fail without a new card). The failed "
        "payments themselves, with Stripe's next retry and the emails sent, are under "
        "CRM → Failed payments."
    )
    columns = [
        *DONOR_COLUMNS[:2],
        DateColumn("past_due_since", label=_("Past due since")),
        Column("card_expiry", label=_("Card expires"), accessor=_card_expiry_text),
        *DONOR_COLUMNS[2:],
    ]
    list_export = [*DonorReport.list_export, "past_due_since", "card_expiry"]
    export_headings = {
        **DonorReport.export_headings,
        "past_due_since": _("Past due since"),
        "card_expiry": _("Card expires (YYYYMM)"),
    }

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(past_due_since=selectors.past_due_since(), card_expiry=selectors.card_expiry())
        )


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
            company.lifetime_display = format_yen(company.lifetime_value)
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
        methods = choice_labels(Donation.Method.choices)
        rows = []
        for row in selectors.gifts_by_month_method(year=year, method=values.get("method_is", "")):
            month = selectors.as_date(row["month"])
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
                    "month_label": format_month(month),
                    "method_label": methods.get(row["method"], row["method"]),
                    "net": net,
                    "gross_display": format_yen(row["gross"]),
                    "refunded_display": format_yen(row["refunded"]),
                    "net_display": format_yen(net),
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
                    "month_label": format_month(row.start),
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
        rules=[
            {"type": "group", "value": rule} if "rules" in rule else {"type": "rule", "value": rule}
            for rule in tree["rules"]
        ],
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
