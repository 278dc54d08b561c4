"""Print batches in the admin: gather receipts waiting for the post, their PDF and list of who is in them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from crm.exports import csv_download
from crm.inspect_views import ReadableInspectView
from crm.receipts import services
from crm.receipts.models import PrintBatch
from crm.receipts.viewsets.base import KeptRecordsViewSetMixin, _pdf

# --- print batches -------------------------------------------------------------------------------------------


class PrintBatchIndexView(generic.IndexView):
    def get_header_buttons(self):
        buttons = super().get_header_buttons()
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            waiting = services.receipts_waiting_for_post().count()
            buttons.append(
                HeaderButton(
                    _("New batch from %(n)d waiting") % {"n": waiting},
                    url=reverse("crm_print_batch:add"),
                    icon_name="plus",
                )
            )
        return buttons


class PrintBatchCreateView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Gathers every receipt waiting for the post into a new batch, after a confirmation."""

    permission_policy = ModelPermissionPolicy(PrintBatch)
    permission_required = "add"
    template_name = "crm/receipts/confirm.html"
    page_title = _("New print batch")
    header_icon = "print"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        waiting = services.receipts_waiting_for_post().count()
        context.update(
            form=forms.Form(),
            intro=_(
                "%(n)d receipt(s) are waiting to go by post. They become one batch: one PDF, one receipt a page, in postal-code order."
            )
            % {"n": waiting},
        )
        return context

    def post(self, request):
        batch = services.print_batch_create(user=request.user)
        if batch is None:
            messages.warning(request, _("No receipt is waiting for the post."))
            return redirect("crm_print_batch:index")
        messages.success(request, _("Batch with %(n)d page(s) made.") % {"n": batch.page_count})
        return redirect("crm_print_batch:inspect", quote(batch.pk))


class PrintBatchInspectView(ReadableInspectView):
    def get_header_buttons(self):
        return [
            HeaderButton(
                _("Download PDF"),
                url=reverse("crm_print_batch:pdf", args=[quote(self.object.pk)]),
                icon_name="download",
            ),
            HeaderButton(
                _("Download list (CSV)"),
                url=reverse("crm_print_batch:csv", args=[quote(self.object.pk)]),
                icon_name="download",
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["batch_receipts"] = services.postal_order(self.object.receipts.all())[:1000]
        return context


class PrintBatchFileView(PermissionCheckedMixin, TemplateView):
    permission_policy = ModelPermissionPolicy(PrintBatch)
    permission_required = "view"
    as_csv = False

    def get(self, request, pk):
        batch = get_object_or_404(PrintBatch, pk=pk)
        if not self.as_csv:
            return _pdf(services.print_batch_pdf(batch), f"print-batch-{batch.pk}.pdf")
        receipts = services.postal_order(batch.receipts.all()).iterator(chunk_size=2000)
        return csv_download(
            request=request,
            filename=f"print-batch-{batch.pk}.csv",
            headings=[
                _("Page"),
                _("Receipt number"),
                _("Made out to"),
                _("Postal code"),
                _("Address"),
                _("Amount"),
            ],
            rows=(
                [
                    page,
                    receipt.number,
                    receipt.recipient_name,
                    receipt.donor.postal_code,
                    receipt.donor.address,
                    receipt.amount,
                ]
                for page, receipt in enumerate(receipts, start=1)
            ),
        )


class PrintBatchViewSet(KeptRecordsViewSetMixin, ModelViewSet):
    model = PrintBatch
    icon = "print"
    menu_label = _("Print batches")
    add_to_admin_menu = False
    index_view_class = PrintBatchIndexView
    inspect_view_class = PrintBatchInspectView
    inspect_view_enabled = True
    inspect_template_name = "crm/receipts/print_batch_inspect.html"
    copy_view_enabled = False
    form_fields = ["title", "printed_at"]
    list_display = [
        "title",
        "page_count",
        DateColumn("created_at", label=_("Created")),
        DateColumn("printed_at", label=_("Marked printed")),
    ]
    inspect_view_fields = ["title", "page_count", "created_at", "created_by", "printed_at"]

    def get_urlpatterns(self):
        return [
            *[p for p in super().get_urlpatterns() if p.name != "add"],
            path("new/", PrintBatchCreateView.as_view(), name="add"),
            path("pdf/<str:pk>/", PrintBatchFileView.as_view(), name="pdf"),
            path("csv/<str:pk>/", PrintBatchFileView.as_view(as_csv=True), name="csv"),
        ]
