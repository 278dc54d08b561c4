"""Registers the CRM menu and its audit-log actions. Logic lives in crm.viewsets and crm.services."""

import importlib
import pkgutil
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from crm.viewsets import CRMViewSetGroup


@hooks.register("register_admin_viewset")
def register_crm_viewsets():
    # Built when Wagtail collects the hooks, after every module had its chance to append to
    # crm.viewsets.extra_crm_viewsets.
    return CRMViewSetGroup()


@hooks.register("register_log_actions")
def register_crm_log_actions(actions):
    actions.register_action("crm.merge", _("Merge donors"), _("Merged a duplicate donor into this one"))
    actions.register_action("crm.erase", _("Erase personal data"), _("Erased personal data (APPI)"))
    actions.register_action("crm.export_data", _("Export personal data"), _("Exported personal data (APPI)"))
    actions.register_action("crm.import", _("Import"), _("Created or updated by an import"))


# --- Receipts (crm/receipts): its own menu; the lead moves it into the static menu list. -----------
@hooks.register("register_admin_viewset")
def register_receipts_viewsets():
    from crm.receipts.viewsets import ReceiptsViewSetGroup

    return ReceiptsViewSetGroup()


# --- end of Receipts ------------------------------------------------------------------------------

# Each CRM part (import, Stripe events, Mailchimp, invitations) keeps its admin hooks in its own
# crm/wagtail_hooks_<part>.py; Wagtail only imports wagtail_hooks.py, so load the parts from here.
for _part in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _part.name.startswith("wagtail_hooks_"):
        importlib.import_module(f"crm.{_part.name}")
