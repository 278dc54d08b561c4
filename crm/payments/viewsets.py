"""Payments in the CRM menu: the Stripe events log (what Stripe sent, what we did with it, and a
"retry" for events that failed), and the failed renewals being recovered."""

from __future__ import annotations

import json

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import BaseOperationView, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import MenuItem

from crm.display import money
from crm.exports import PeopleSpreadsheetMixin
from crm.giving.models import RecurringDonation
from crm.inspect_views import ReadableInspectView
from crm.payments.models import PaymentRecovery, StripeEvent
from crm.payments.services.events import stripe_event_retry


class StripeEventFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=StripeEvent.Status.choices)
    type = django_filters.CharFilter(lookup_expr="startswith", label=_("Type starts with"))

    class Meta:
        model = StripeEvent
        fields = ["status", "type", "livemode"]


class StripeEventIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status == StripeEvent.Status.FAILED and self.permission_policy.user_has_permission(
            self.request.user, "change"
        ):
            buttons.append(
                MenuItem(
                    _("Retry"),
                    url=reverse("crm_stripe_event:retry", args=[quote(instance.pk)]),
                    icon_name="rotate",
                    priority=5,
                )
            )
        return buttons


class StripeEventInspectView(ReadableInspectView):
    def get_field_display_value(self, field_name, field):
        if field_name == "payload":
            return format_html("<pre>{}</pre>", json.dumps(self.object.payload, indent=2, ensure_ascii=False))
        if field_name == "error" and self.object.error:
            return format_html("<pre>{}</pre>", self.object.error)
        return super().get_field_display_value(field_name, field)


class StripeEventRetryView(PermissionCheckedMixin, WagtailAdminTemplateMixin, BaseOperationView):
    """GET asks to confirm; POST runs the stored event through the same processing again."""

    model = StripeEvent
    permission_required = "change"
    template_name = "wagtailadmin/generic/form.html"
    page_title = _("Retry Stripe event")
    header_icon = "rotate"
    success_url_name = "crm_stripe_event:inspect"

    def get_page_subtitle(self):
        return str(self.object)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(
                form=forms.Form(),
                action_url=request.path,
                submit_button_label=_("Retry"),
            )
        )

    def perform_operation(self):
        self.object = stripe_event_retry(stripe_event_id=self.object.pk)

    def get_success_message(self):
        return _("Retried: %(status)s") % {"status": self.object.get_status_display()}

    def post(self, request, *args, **kwargs):
        self.perform_operation()
        self.add_success_message()
        return redirect(reverse(self.success_url_name, args=[quote(self.object.pk)]))


class StripeEventViewSet(ModelViewSet):
    model = StripeEvent
    icon = "warning"
    menu_label = _("Stripe events")
    name = "crm_stripe_event"
    url_prefix = "crm/stripe-events"
    add_to_admin_menu = False
    menu_order = 900
    index_view_class = StripeEventIndexView
    inspect_view_class = StripeEventInspectView
    inspect_view_enabled = True
    # Events are written by Stripe only; people read them and retry failures.
    create_view_enabled = False
    copy_view_enabled = False
    filterset_class = StripeEventFilterSet
    search_fields = ["event_id", "type", "error"]
    list_display = [
        "type",
        StatusTagColumn("status", primary=True, label=_("Status")),
        Column("event_id", label=_("Stripe event id")),
        DateColumn("created", label=_("Created at Stripe")),
        DateColumn("received_at", label=_("Received")),
        "attempts",
    ]
    inspect_view_fields = [
        "event_id",
        "type",
        "status",
        "created",
        "received_at",
        "processed_at",
        "attempts",
        "error",
        "payload",
    ]
    form_fields = ["status"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("retry/<str:pk>/", self.construct_view(StripeEventRetryView), name="retry"),
        ]


# ---- failed renewals ----------------------------------------------------------------------------


class PaymentRecoveryFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=PaymentRecovery.Status.choices, label=_("Status"))
    recurring_donation__interval = django_filters.ChoiceFilter(
        choices=RecurringDonation.Interval.choices, label=_("Interval")
    )

    class Meta:
        model = PaymentRecovery
        fields = ["status"]


def _donor_url(recovery: PaymentRecovery) -> str:
    return reverse("crm_donor:inspect", args=[recovery.donor_id])


class PaymentRecoveryIndexView(PeopleSpreadsheetMixin, IndexView):
    def get_base_queryset(self):
        # Open ones first: the queue fundraisers work through; then the newest failures.
        return (
            super()
            .get_base_queryset()
            .select_related("donor", "recurring_donation")
            .annotate(emails_sent=Count("emails", filter=Q(emails__sent_at__isnull=False)))
        )


class PaymentRecoveryInspectView(InspectView):
    def get_fields(self):
        return [*super().get_fields(), "emails"]

    def get_field_label(self, field_name, field):
        if field_name == "emails":
            return _("Emails to the donor")
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        if field_name == "emails":
            sent = [
                f"{e.get_step_display()}: {e.sent_at:%Y-%m-%d %H:%M}"
                if e.sent_at
                else f"{e.get_step_display()}: —"
                for e in self.object.emails.all()
            ]
            return "; ".join(sent) or _("None yet")
        return super().get_field_display_value(field_name, field)


class PaymentRecoveryViewSet(ModelViewSet):
    """Failed renewals: who, how much, Stripe's next retry, the emails sent; recovered or lost."""

    model = PaymentRecovery
    icon = "warning"
    menu_label = _("Failed payments")
    name = "crm_failed_payment"
    url_prefix = "crm/failed-payments"
    add_to_admin_menu = False
    index_view_class = PaymentRecoveryIndexView
    inspect_view_class = PaymentRecoveryInspectView
    inspect_view_enabled = True
    # Opened and closed by Stripe's events; a fundraiser may only mark one lost (or recovered) by hand.
    create_view_enabled = False
    copy_view_enabled = False
    filterset_class = PaymentRecoveryFilterSet
    search_fields = ["invoice_id", "donor__search_text"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["status", "-failed_at"]
    list_display = [
        TitleColumn("donor", label=_("Donor"), get_url=_donor_url),
        Column(
            "amount", label=_("Amount"), accessor=lambda recovery: money(recovery.amount, recovery.currency)
        ),
        Column("interval", label=_("Interval"), accessor="recurring_donation.get_interval_display"),
        StatusTagColumn("status", primary=True, label=_("Status")),
        DateColumn("failed_at", label=_("First failed"), sort_key="failed_at"),
        Column("attempt_count", label=_("Attempts")),
        DateColumn("next_retry_at", label=_("Next retry by Stripe")),
        Column("emails_sent", label=_("Emails sent")),
    ]
    list_export = [
        "id",
        "donor_id",
        "donor",
        "amount",
        "currency",
        "status",
        "failed_at",
        "last_failed_at",
        "attempt_count",
        "next_retry_at",
        "closed_at",
        "invoice_id",
    ]
    export_filename = "failed-payments"
    inspect_view_fields = [
        "donor",
        "recurring_donation",
        "amount",
        "currency",
        "status",
        "failed_at",
        "last_failed_at",
        "attempt_count",
        "next_retry_at",
        "closed_at",
        "invoice_id",
    ]
    form_fields = ["status"]
