"""Donations and monthly members in the CRM menu."""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from crm.display import EMPTY, money, money_per_interval
from crm.exports import PeopleSpreadsheetMixin
from crm.giving.models import Donation, RecurringDonation
from crm.inspect_views import ReadableInspectView

# --- donations and monthly members ----------------------------------------------------------------


class DonationFilterSet(WagtailFilterSet):
    received_at = django_filters.DateFromToRangeFilter(label=_("Received"), widget=DateRangePickerWidget)
    recurring = django_filters.BooleanFilter(
        label=_("Part of a monthly gift"), field_name="recurring_donation", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Donation
        fields = ["status", "method", "currency", "received_at", "recurring"]


class DonationIndexView(PeopleSpreadsheetMixin, generic.IndexView):
    #: Finds the donors a search names (kanji, kana, romaji, email): handed in by the viewset.
    donor_search: Callable[[str], QuerySet] | None = None

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.filter(donor__in=self.donor_search(self.search_query))


class GiftListingViewSet(ModelViewSet):
    """What the gift listings (donations, monthly members) share. Their search box finds gifts by the
    donor's name with the donors' search, which crm/wagtail_hooks.py hands in
    (``donor_search=Donor.objects.search``): giving sits below donors and imports nothing of theirs."""

    donor_search: Callable[[str], QuerySet]
    add_to_admin_menu = False  # an item of the CRM menu group (crm/wagtail_hooks.py)
    inspect_view_class = ReadableInspectView
    search_fields = ["donor__search_text"]
    search_backend_name = None
    inspect_view_enabled = True
    list_per_page = 50

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(donor_search=self.donor_search, **kwargs)


class DonationViewSet(GiftListingViewSet):
    model = Donation
    icon = "bars"
    menu_label = _("Donations")
    index_view_class = DonationIndexView
    filterset_class = DonationFilterSet
    list_display = [
        "__str__",
        Column("donor", label=_("Donor"), sort_key="donor__family_name_kana"),
        Column(
            "amount", label=_("Amount"), sort_key="amount", accessor=lambda d: money(d.amount, d.currency)
        ),
        Column(
            "amount_refunded",
            label=_("Refunded"),
            sort_key="amount_refunded",
            accessor=lambda d: money(d.amount_refunded, d.currency) if d.amount_refunded else EMPTY,
        ),
        "currency",
        DateColumn("received_at", label=_("Received"), sort_key="received_at"),
        "method",
        "status",
    ]
    list_export = [
        "id",
        "donor_id",
        "donor",
        "amount",
        "amount_refunded",
        "net_amount",
        "currency",
        "received_at",
        "method",
        "status",
        "recurring_donation_id",
        "external_id",
    ]
    export_filename = "donations"
    ordering = ["-received_at"]
    form_fields = [
        "donor",
        "amount",
        "amount_refunded",
        "currency",
        "received_at",
        "method",
        "recurring_donation",
        "status",
        "external_id",
    ]
    inspect_view_fields = [
        "donor",
        "amount",
        "amount_refunded",
        "net_amount",
        "currency",
        "received_at",
        "method",
        "recurring_donation",
        "status",
        "external_id",
        "created_at",
    ]

    def get_queryset(self, request):
        return Donation.objects.select_related("donor")


class RecurringDonationFilterSet(WagtailFilterSet):
    started_at = django_filters.DateFromToRangeFilter(label=_("Started"), widget=DateRangePickerWidget)
    canceled_at = django_filters.DateFromToRangeFilter(label=_("Canceled"), widget=DateRangePickerWidget)

    class Meta:
        model = RecurringDonation
        fields = ["status", "interval", "currency", "started_at", "canceled_at"]


class RecurringDonationIndexView(DonationIndexView):
    pass


class RecurringDonationViewSet(GiftListingViewSet):
    model = RecurringDonation
    icon = "repeat"
    menu_label = _("Monthly members")
    url_prefix = "crm/monthly-members"
    index_view_class = RecurringDonationIndexView
    inspect_view_class = ReadableInspectView
    filterset_class = RecurringDonationFilterSet
    list_display = [
        "__str__",
        Column("donor", label=_("Donor"), sort_key="donor__family_name_kana"),
        Column(
            "amount",
            label=_("Amount"),
            sort_key="amount",
            accessor=lambda m: money_per_interval(m.amount, m.currency, m.interval),
        ),
        "interval",
        "status",
        DateColumn("started_at", label=_("Started"), sort_key="started_at"),
        DateColumn("canceled_at", label=_("Canceled"), sort_key="canceled_at"),
    ]
    list_export = [
        "id",
        "donor_id",
        "donor",
        "amount",
        "currency",
        "interval",
        "status",
        "started_at",
        "canceled_at",
        "external_id",
    ]
    export_filename = "monthly-members"
    ordering = ["-started_at"]
    form_fields = [
        "donor",
        "amount",
        "currency",
        "interval",
        "status",
        "started_at",
        "canceled_at",
        "external_id",
    ]

    def get_queryset(self, request):
        return RecurringDonation.objects.select_related("donor")
