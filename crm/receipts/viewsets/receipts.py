"""Receipts in the admin: search, filters, PDF, reissue and void."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from crm.exports import PeopleSpreadsheetIndexView
from crm.inspect_views import ReadableInspectView
from crm.receipts import selectors, services
from crm.receipts.models import Receipt
from crm.receipts.viewsets.base import KeptRecordsViewSetMixin, _pdf, _ToInspect

# --- receipts ----------------------------------------------------------------------------------------------


class ReceiptFilterSet(WagtailFilterSet):
    issued_on = django_filters.DateFromToRangeFilter(label=_("Issued"), widget=DateRangePickerWidget)
    year = django_filters.NumberFilter(label=_("Year of the gift(s)"))

    class Meta:
        model = Receipt
        fields = ["kind", "status", "delivery", "purpose", "language", "issued_on", "year", "print_batch"]


class ReceiptInspectView(ReadableInspectView):
    def get_header_buttons(self):
        buttons = [
            HeaderButton(
                _("Download PDF"),
                url=reverse("crm_receipt:pdf", args=[quote(self.object.pk)]),
                icon_name="download",
            )
        ]
        if not self.object.is_voided and self.permission_policy.user_has_permission(
            self.request.user, "change"
        ):
            buttons += [
                HeaderButton(
                    _("Reissue"),
                    url=reverse("crm_receipt:reissue", args=[quote(self.object.pk)]),
                    icon_name="rotate",
                ),
                HeaderButton(
                    _("Void"),
                    url=reverse("crm_receipt:void", args=[quote(self.object.pk)]),
                    icon_name="cross",
                ),
            ]
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dispatches"] = self.object.dispatches.all()
        return context


class ReceiptPdfView(PermissionCheckedMixin, TemplateView):
    permission_policy = ModelPermissionPolicy(Receipt)
    permission_required = "view"

    def get(self, request, pk):
        receipt = get_object_or_404(Receipt, pk=pk)
        return _pdf(services.receipt_pdf(receipt), f"{receipt.number}.pdf", inline=True)


class ReissueForm(forms.Form):
    send_email = forms.BooleanField(
        label=_("Email the reissued receipt to the donor"), required=False, initial=True
    )


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)
    confirm = forms.BooleanField(label=_("I understand a voided receipt cannot be used again"))


class _ReceiptOperationView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = ModelPermissionPolicy(Receipt)
    permission_required = "change"
    template_name = "crm/receipts/confirm.html"
    header_icon = "doc-full"
    form_class: type[forms.Form] = forms.Form

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(Receipt.objects.select_related("donor"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.object.number} · {self.object.recipient_name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(receipt=self.object, form=kwargs.get("form") or self.form_class(), intro=self.intro)
        return context

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            self.perform(form.cleaned_data)
        except services.ReceiptError as exc:
            messages.error(request, str(exc))
        return redirect("crm_receipt:inspect", quote(self.object.pk))


class ReceiptReissueView(_ReceiptOperationView):
    page_title = _("Reissue receipt")
    form_class = ReissueForm
    intro = _(
        "The receipt is printed again with the same number and marked 再発行 (Reissued). Use it when a "
        "donor lost theirs; nothing on it changes."
    )

    def perform(self, data):
        receipt = services.receipt_reissue(receipt=self.object, user=self.request.user)
        if data.get("send_email") and receipt.donor.email:
            services._enqueue_email(receipt.pk)
            messages.success(
                self.request, _("Reissued %(number)s and queued the email.") % {"number": receipt.number}
            )
        else:
            messages.success(self.request, _("Reissued %(number)s.") % {"number": receipt.number})


class ReceiptVoidView(_ReceiptOperationView):
    page_title = _("Void receipt")
    form_class = VoidForm
    intro = _(
        "A voided receipt keeps its number and contents and is printed with 取消 (Void) across it. "
        "It cannot be undone; issue a new receipt if needed."
    )

    def perform(self, data):
        services.receipt_void(receipt=self.object, reason=data["reason"], user=self.request.user)
        messages.success(self.request, _("Voided %(number)s.") % {"number": self.object.number})


class ReceiptViewSet(KeptRecordsViewSetMixin, ModelViewSet):
    model = Receipt
    icon = "doc-full"
    menu_label = _("Receipts")
    add_to_admin_menu = False
    filterset_class = ReceiptFilterSet
    # The office's spreadsheet: BOM, Japan time, translated headings (crm/exports.py).
    index_view_class = PeopleSpreadsheetIndexView
    inspect_view_class = ReceiptInspectView
    inspect_view_enabled = True
    inspect_template_name = "crm/receipts/receipt_inspect.html"
    create_view_enabled = False
    copy_view_enabled = False
    form_fields = ["delivery"]
    search_fields = ["number", "recipient_name"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        Column("number", label=_("Receipt number"), sort_key="number"),
        Column("recipient_name", label=_("Made out to")),
        "kind",
        Column("amount", label=_("Amount"), accessor="amount_display"),
        StatusTagColumn("status", label=_("Status"), primary=False),
        "delivery",
        DateColumn("issued_on", label=_("Issued"), sort_key="issued_on"),
    ]
    list_export = [
        "number",
        "kind",
        "status",
        "donor_id",
        "recipient_name",
        "amount",
        "currency",
        "year",
        "issued_on",
        "delivery",
        "reissue_count",
    ]
    export_filename = "receipts"
    ordering = ["-issued_on", "-pk"]
    inspect_view_fields = [
        "number",
        "kind",
        "status",
        "donor",
        "donation",
        "recipient_name",
        "to_company",
        "amount",
        "purpose",
        "year",
        "received_on",
        "issued_on",
        "language",
        "delivery",
        "print_batch",
        "reissue_count",
        "reissued_at",
        "voided_at",
        "void_reason",
        "replaces",
    ]

    def get_queryset(self, request):
        return selectors.receipts_for_admin()

    def get_urlpatterns(self):
        return [
            *[p for p in super().get_urlpatterns() if p.name != "edit"],
            path(
                "edit/<str:pk>/",
                _ToInspect.as_view(permission_policy=self.permission_policy, namespace=self.name),
                name="edit",
            ),
            path("pdf/<str:pk>/", ReceiptPdfView.as_view(), name="pdf"),
            path("reissue/<str:pk>/", ReceiptReissueView.as_view(), name="reissue"),
            path("void/<str:pk>/", ReceiptVoidView.as_view(), name="void"),
        ]
