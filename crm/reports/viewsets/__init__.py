"""The fundraisers' dashboard page and reports in the Wagtail admin (CRM → Reports).

The dashboard draws each chart with pygal (crm.reports.charts) and puts its numbers beside it as a
table and a CSV download; the reports are Wagtail ReportViews (filters, CSV/XLSX export, each row
links to its donor or company) whose rows come from segment rules, so "Save as segment" keeps the
report's rules. Everything is for fundraisers: the views need permission to view donors.
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSet

from crm.reports.viewsets.common import donor_permission
from crm.reports.viewsets.dashboard import DashboardPageView, chart_csv
from crm.reports.viewsets.report_views import REPORT_VIEWS, save_segment


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
