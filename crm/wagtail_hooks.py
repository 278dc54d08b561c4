"""Registers the CRM in the Wagtail admin: one "CRM" menu group whose items are all listed here, the
dashboard panel and the CRM's audit-log actions. Views live in crm/<feature>/viewsets.py."""

from django.templatetags.static import static
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from crm.banktransfers.viewsets import BankTransferViewSet
from crm.community.services.invitations import LOG_ACTIONS as FACEBOOK_GROUP_LOG_ACTIONS
from crm.community.viewsets import QUEUES, FacebookGroupInvitationViewSet, InvitationQueueViewSet
from crm.companies.viewsets import PartnerCompanyViewSet
from crm.dashboard.panels import DASHBOARD_PERMISSION, CRMDashboardPanel
from crm.donors.models import Donor
from crm.donors.viewsets import DonorViewSet
from crm.events.viewsets import events_menu
from crm.giving.viewsets import DonationViewSet, RecurringDonationViewSet
from crm.imports.viewsets import DonorImportViewSet
from crm.interactions.viewsets import DonorInspectView, InteractionViewSet, PartnerCompanyInspectView
from crm.mailing.viewsets import MailchimpSyncRunViewSet, segment_push_view
from crm.mailings.viewsets import MailingsMenu, postal_code_lookup
from crm.payments.viewsets import PaymentRecoveryViewSet, StripeEventViewSet
from crm.receipts.viewsets import ReceiptsViewSetGroup
from crm.reports.viewsets import ReportsViewSet
from crm.segments.viewsets import SegmentViewSet


class CRMViewSetGroup(ModelViewSetGroup):
    menu_label = _("CRM")
    menu_icon = "group"
    menu_order = 250
    #: Other apps may also add plain menu items through this hook.
    submenu_hook = "register_crm_menu_item"

    # In menu order. The record pages (inspect views) of donors and companies show a timeline
    # gathered from every feature, so they come from crm.interactions and are handed in here; so is
    # the donors' search to the gift listings (giving sits below donors).
    items = (
        DonorViewSet("crm_donor", url_prefix="crm/donors", inspect_view_class=DonorInspectView),
        RecurringDonationViewSet("crm_monthly_member", donor_search=Donor.objects.search),
        PaymentRecoveryViewSet(),
        DonationViewSet("crm_donation", url_prefix="crm/donations", donor_search=Donor.objects.search),
        PartnerCompanyViewSet("crm_company", inspect_view_class=PartnerCompanyInspectView),
        InteractionViewSet("crm_interaction", url_prefix="crm/interactions"),
        InvitationQueueViewSet(QUEUES["to_invite"]),
        InvitationQueueViewSet(QUEUES["awaiting"]),
        InvitationQueueViewSet(QUEUES["to_remove"]),
        FacebookGroupInvitationViewSet("crm_facebook_group", url_prefix="crm/facebook-group/all"),
        SegmentViewSet("crm_segment", url_prefix="crm/segments", push_view=segment_push_view),
        MailchimpSyncRunViewSet("crm_mailchimp_sync_run", url_prefix="crm/mailchimp-sync-log"),
        DonorImportViewSet(),
        BankTransferViewSet(),
        StripeEventViewSet(),
        ReportsViewSet(),
    )


@hooks.register("register_admin_viewset")
def register_crm_viewsets():
    # The CRM group, then receipts, postal mailings and events, which have menus of their own.
    return [CRMViewSetGroup(), ReceiptsViewSetGroup(), MailingsMenu(), events_menu()]


@hooks.register("register_admin_urls")
def register_postal_code_lookup():
    # The donor form's prefecture/city fill (crm/static/crm/postal_code_fill.js) asks this.
    return [path("crm/postal-code/", postal_code_lookup, name="crm_postal_code_lookup")]


@hooks.register("insert_global_admin_js")
def postal_code_fill_js():
    return format_html('<script src="{}" defer></script>', static("crm/postal_code_fill.js"))


@hooks.register("construct_homepage_panels")
def add_crm_dashboard(request, panels):
    # Communications staff have no CRM access at all, not even its figures.
    if request.user.has_perm(DASHBOARD_PERMISSION):
        panels.append(CRMDashboardPanel())


@hooks.register("insert_global_admin_css")
def crm_dashboard_css():
    return format_html('<link rel="stylesheet" href="{}">', static("crm/dashboard.css"))


@hooks.register("register_log_actions")
def register_crm_log_actions(actions):
    actions.register_action("crm.merge", _("Merge donors"), _("Merged a duplicate donor into this one"))
    actions.register_action("crm.erase", _("Erase personal data"), _("Erased personal data (APPI)"))
    actions.register_action("crm.export_data", _("Export personal data"), _("Exported personal data (APPI)"))
    actions.register_action("crm.import", _("Import"), _("Created or updated by an import"))
    actions.register_action("crm.export", _("Download a list"), _("Downloaded a list (CSV or XLSX)"))
    actions.register_action(
        "crm.statement_discard", _("Discard a bank statement"), _("Discarded a bank statement under review")
    )
    for action, (label, message) in FACEBOOK_GROUP_LOG_ACTIONS.items():
        actions.register_action(action, _(label), _(message))
