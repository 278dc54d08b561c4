"""The Receipts menu of the admin: receipts (search, filters, PDF, reissue, void), annual runs with
their progress, print batches (PDF and the list of who is in them), the thank-you queue with letters,
and the personal thanks due within 72 hours. Settings → Receipts holds the texts, seal and signatory.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from crm.receipts.models import AnnualReceiptRun, PersonalThanks, PrintBatch, Receipt
from crm.receipts.viewsets.annual import AnnualRunViewSet
from crm.receipts.viewsets.base import KeptRecordsPolicy
from crm.receipts.viewsets.print_batches import PrintBatchViewSet
from crm.receipts.viewsets.receipts import ReceiptViewSet
from crm.receipts.viewsets.thanks import PersonalThanksViewSet, ThankYouQueueViewSet

# Receipts, runs, batches and thanks are kept records: no admin view deletes them.
for _model in (Receipt, AnnualReceiptRun, PrintBatch, PersonalThanks):
    register_permission_policy(_model, KeptRecordsPolicy(_model))


class ReceiptsViewSetGroup(ViewSetGroup):
    menu_label = _("Receipts")
    menu_icon = "doc-full"
    menu_order = 260
    items = (
        ReceiptViewSet("crm_receipt", url_prefix="crm/receipts/all"),
        AnnualRunViewSet("crm_annual_run", url_prefix="crm/receipts/annual"),
        PrintBatchViewSet("crm_print_batch", url_prefix="crm/receipts/print"),
        ThankYouQueueViewSet(),
        PersonalThanksViewSet("crm_personal_thanks", url_prefix="crm/receipts/personal-thanks"),
    )
