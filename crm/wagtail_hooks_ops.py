"""Admin hooks of the CRM's operator tools (the donor import). Imported by crm/wagtail_hooks.py.

The import joins the CRM menu group when crm.viewsets offers `extra_crm_viewsets`; otherwise it
registers itself as a top-level menu item. Either way the menu item shows only to users who may
add donors, and the views check the same permission.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from crm.services.imports import IMPORT_LOG_ACTION
from crm.views.imports import DonorImportViewSet

donor_import_viewset = DonorImportViewSet()

try:
    from crm.viewsets import extra_crm_viewsets
except ImportError:
    extra_crm_viewsets = None

if extra_crm_viewsets is not None:
    extra_crm_viewsets.append(donor_import_viewset)
else:
    donor_import_viewset.add_to_admin_menu = True
    donor_import_viewset.menu_order = 8500

    @hooks.register("register_admin_viewset")
    def register_donor_import_viewset():
        return donor_import_viewset


@hooks.register("register_log_actions")
def register_import_log_action(actions):
    # crm/wagtail_hooks.py may have registered it already; a second registration would list the
    # action twice in the site history filter.
    if IMPORT_LOG_ACTION not in actions.formatters:
        actions.register_action(IMPORT_LOG_ACTION, _("Import donors"), _("Imported a donor list"))
