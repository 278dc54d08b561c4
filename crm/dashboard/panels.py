"""The fundraisers' dashboard panel on the Wagtail admin home (crm.dashboard.selectors computes it;
crm/wagtail_hooks.py adds it for staff with CRM access)."""

from django.urls import reverse
from wagtail.admin.ui.components import Component

from crm.dashboard.selectors import dashboard_figures

DASHBOARD_PERMISSION = "crm.view_donor"


def _url(name: str, query: str = "") -> str:
    return reverse(name) + query


class CRMDashboardPanel(Component):
    name = "crm_dashboard"
    order = 50  # above Wagtail's own panels (pages awaiting moderation: 200)
    template_name = "crm/dashboard/panel.html"

    def get_context_data(self, parent_context=None):
        figures = dashboard_figures()
        return {
            "figures": figures,
            "links": {
                "members": _url("crm_monthly_member:index", "?status=active"),
                "donors": _url("crm_donor:index"),
                "donations": _url("crm_donation:index"),
                "stripe_failed": _url("crm_stripe_event:index", "?status=failed"),
                "sync_log": _url("crm_mailchimp_sync_run:index"),
                "to_invite": _url("crm_fb_to_invite:index"),
                "imports": _url("donor_import:index"),
            },
        }
