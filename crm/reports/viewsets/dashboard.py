"""The fundraisers' dashboard page and the CSV download of each of its charts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from crm.exports import csv_download
from crm.reports import selectors
from crm.reports.viewsets.common import donor_permission, format_month, period_from
from crm.reports.viewsets.dashboard_charts import dashboard_charts
from crm.reports.viewsets.report_views import REPORT_VIEWS


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
        query = urlencode({"start": format_month(period.first), "end": format_month(period.last)})
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
    filename = f"{chart}-{format_month(period.first)}-{format_month(period.last)}.csv"
    return csv_download(filename=filename, headings=found[0].headers, rows=found[0].rows)
