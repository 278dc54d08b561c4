"""The Stripe events log in the CRM menu: what Stripe sent, what we did with it, and a "retry" for
events that failed."""

from __future__ import annotations

import json

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import BaseOperationView, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import MenuItem

from crm.inspect_views import ReadableInspectView
from crm.payments.models import StripeEvent
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
