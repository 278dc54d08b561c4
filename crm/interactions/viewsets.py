"""Interactions in the CRM menu, and the record pages whose timelines gather every feature's rows."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from crm.donors.models import Donor
from crm.exports import PeopleSpreadsheetIndexView
from crm.giving.models import Donation
from crm.giving.services import donation_record_by_hand
from crm.inspect_views import ReadableInspectView
from crm.interactions.models import Interaction
from crm.interactions.selectors import company_timeline, donor_timeline
from crm.interactions.services import interaction_record


class InteractionFilterSet(WagtailFilterSet):
    happened_at = django_filters.DateFromToRangeFilter(label=_("When"), widget=DateRangePickerWidget)

    class Meta:
        model = Interaction
        fields = ["kind", "happened_at", "staff_user"]


class InteractionViewSet(ModelViewSet):
    model = Interaction
    icon = "comment"
    menu_label = _("Interactions")
    add_to_admin_menu = False
    filterset_class = InteractionFilterSet
    inspect_view_class = ReadableInspectView
    search_fields = ["summary", "body", "donor__search_text", "company__name"]
    search_backend_name = None
    inspect_view_enabled = True
    list_display = [
        "__str__",
        "kind",
        Column("donor", label=_("Donor")),
        Column("company", label=_("Company")),
        DateColumn("happened_at", label=_("When"), sort_key="happened_at"),
        Column("staff_user", label=_("Staff")),
    ]
    index_view_class = PeopleSpreadsheetIndexView
    list_export = ["id", "kind", "happened_at", "summary", "donor_id", "company_id", "staff_user"]
    export_filename = "interactions"
    ordering = ["-happened_at"]
    form_fields = ["donor", "company", "kind", "happened_at", "summary", "body", "staff_user"]

    def get_queryset(self, request):
        return Interaction.objects.select_related("donor", "company", "staff_user")


class DonorInteractionForm(forms.ModelForm):
    """Recording a call or a meeting from the donor's page, without leaving it."""

    class Meta:
        model = Interaction
        fields = ["kind", "happened_at", "summary", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}


class DonorGiftForm(forms.ModelForm):
    """A gift received outside Stripe (a bank transfer, cash), recorded from the donor's page."""

    class Meta:
        model = Donation
        fields = ["amount", "received_at", "method"]


class DonorInspectView(ReadableInspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(Donor.objects.select_related("company").with_giving(), pk=self.pk)

    def _may_add_interaction(self) -> bool:
        return self.request.user.has_perm("crm.add_interaction") and not self.object.erased_at

    def _may_add_gift(self) -> bool:
        return self.request.user.has_perm("crm.add_donation") and not self.object.erased_at

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if request.POST.get("record") == "gift":
            return self._record_gift(request)
        if not self._may_add_interaction():
            raise PermissionDenied
        # The donor is set before validation: the table's check wants a donor or a company.
        form = DonorInteractionForm(
            request.POST, prefix="interaction", instance=Interaction(donor=self.object)
        )
        if not form.is_valid():
            # Shown again on the record page with its errors: the page works without JavaScript.
            return self.render_to_response(self.get_context_data(interaction_form=form))
        interaction_record(donor=self.object, user=request.user, **form.cleaned_data)
        messages.success(request, _("Interaction recorded."))
        return redirect(reverse("crm_donor:inspect", args=[self.object.pk]) + "#crm-timeline")

    def _record_gift(self, request):
        if not self._may_add_gift():
            raise PermissionDenied
        form = DonorGiftForm(request.POST, prefix="gift", instance=Donation(donor=self.object))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(gift_form=form))
        donation_record_by_hand(donor_id=self.object.pk, **form.cleaned_data)
        messages.success(request, _("Gift recorded."))
        return redirect(reverse("crm_donor:inspect", args=[self.object.pk]) + "#crm-giving-heading")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        donor = self.object
        if self._may_add_gift():
            context.setdefault("gift_form", DonorGiftForm(prefix="gift"))
        if self._may_add_interaction():
            context.setdefault("interaction_form", DonorInteractionForm(prefix="interaction"))
        context.update(
            donor=donor,
            timeline=donor_timeline(donor),
            recurring_donations=donor.recurring_donations.all(),
            tags=sorted(donor.tags.names()),
        )
        return context

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        prefix = "crm_donor"
        if (
            self.permission_policy.user_has_permission(self.request.user, "change")
            and not self.object.erased_at
        ):
            buttons.append(
                HeaderButton(
                    _("Merge a duplicate"),
                    url=reverse(f"{prefix}:merge", args=[self.pk]),
                    icon_name="resubmit",
                    priority=30,
                )
            )
        if self.permission_policy.user_has_permission(self.request.user, "view"):
            buttons.append(
                HeaderButton(
                    _("Export data (JSON)"),
                    url=reverse(f"{prefix}:export_data", args=[self.pk]),
                    icon_name="download",
                    priority=40,
                )
            )
        if (
            self.permission_policy.user_has_permission(self.request.user, "delete")
            and not self.object.erased_at
        ):
            buttons.append(
                HeaderButton(
                    _("Erase personal data"),
                    url=reverse(f"{prefix}:erase", args=[self.pk]),
                    icon_name="bin",
                    priority=50,
                )
            )
        return buttons


class PartnerCompanyInspectView(ReadableInspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            company=self.object,
            contacts=self.object.contacts.filter(erased_at__isnull=True),
            timeline=company_timeline(self.object),
        )
        return context
