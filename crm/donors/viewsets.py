"""Donors in the CRM menu: the listing (filters, search, sorting, CSV/XLSX export) and the merge /
erase / export-my-data views. The donor's record page with its timeline is
crm.interactions.viewsets.DonorInspectView (it gathers rows from every feature)."""

from __future__ import annotations

import json

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, ProtectedError, Value
from django.db.models.functions import Concat
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from crm.donors.columns import DayColumn, DonorNameColumn, DonorTable, TextColumn, YenColumn, YesNoColumn
from crm.donors.models import DONOR_PERSONAL_FIELDS, Donor
from crm.donors.selectors import donor_by_number_or_email, donor_tags
from crm.donors.services.merge import DonorMergeError, donors_merge
from crm.donors.services.privacy import DonorErasureError, donor_erase, donor_export_json
from crm.exports import PeopleSpreadsheetMixin

# --- donors ---------------------------------------------------------------------------------------


class DonorFilterSet(WagtailFilterSet):
    member = django_filters.BooleanFilter(label=_("Monthly member"), method="filter_member")
    tags = django_filters.ModelMultipleChoiceFilter(
        label=_("Tags"),
        field_name="tags",
        queryset=donor_tags,
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    created_at = django_filters.DateFromToRangeFilter(label=_("Added"), widget=DateRangePickerWidget)
    last_gift = django_filters.DateFromToRangeFilter(
        label=_("Gave between"), method="filter_gave_between", widget=DateRangePickerWidget
    )
    # From the stored giving summary: "our ¥100,000+ donors" without building a segment.
    given_at_least = django_filters.NumberFilter(
        label=_("Given at least (JPY)"), field_name="giving__lifetime_value", lookup_expr="gte", min_value=0
    )
    erased = django_filters.BooleanFilter(
        label=_("Erased"), field_name="erased_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Donor
        fields = ["member", "newsletter_status", "preferred_language", "source", "tags", "company"]

    def filter_member(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.members() if value else queryset.not_members()

    def filter_gave_between(self, queryset, name, value):
        if not value or (value.start is None and value.stop is None):
            return queryset
        return queryset.gave_between(start=value.start, stop=value.stop)


class _CountingPaginator(WagtailPaginator):
    def __init__(self, *args, count_source, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_source = count_source

    @cached_property
    def count(self) -> int:
        return self.count_source.count()


class DonorIndexView(PeopleSpreadsheetMixin, generic.IndexView):
    table_class = DonorTable

    def _get_title_column(self, field_name, column_class=None, **kwargs):
        return DonorNameColumn(field_name, view=self, label=_("Donor"))

    def get_base_queryset(self):
        # The haystack and notes are wide and never shown in the listing.
        return Donor.objects.select_related("company").defer("search_text", "notes").with_giving()

    #: A search matching at least this many donors is "common" (every example.jp address, one kana).
    COMMON_MATCHES = 2000

    def search_queryset(self, queryset):
        # Kanji, kana, romaji and email all meet in the normalised search_text (see crm.donors.querysets).
        if not self.is_searching:
            return queryset
        queryset = queryset.search(self.search_query)
        # PostgreSQL would walk the kana-order index hoping to meet a page of matches early; for a
        # rare name late in the syllabary (やまだ) that is a scan of the whole table. Ordering by an
        # expression makes it fetch the few matches by the trigram index and sort them. For a common
        # term the index walk is the quick way (sorting 100,000 matches took 0.9 s): one bounded
        # count tells the two apart.
        if queryset.order_by().values("pk")[: self.COMMON_MATCHES].count() < self.COMMON_MATCHES:
            queryset = queryset.order_by(*self._sort_by_expression(queryset.query.order_by))
        return queryset

    # Sorts by the stored giving summary. Donors who never gave (or are not members) have no date
    # and come last in both directions; the donor id breaks ties so pages never overlap. PostgreSQL
    # reads them off crm_donorgiving's indexes (the descending ones are in crm.giving.sql).
    GIVING_SORTS = {
        "lifetime_value": "giving__lifetime_value",
        "last_gift_at": "giving__last_gift_at",
        "member_since": "giving__member_since",
    }

    def _giving_sort(self) -> str | None:
        key = self.ordering if isinstance(self.ordering, str) else ""
        return self.GIVING_SORTS.get(key.lstrip("-"))

    def order_queryset(self, queryset):
        column = self._giving_sort()
        if column is None:
            return super().order_queryset(queryset)
        descending = self.ordering.startswith("-")
        # NULLS LAST only where there are NULLs: PostgreSQL matches it to an index literally.
        nulls_last = True if column != "giving__lifetime_value" else None
        value = F(column).desc(nulls_last=nulls_last) if descending else F(column).asc(nulls_last=nulls_last)
        return queryset.order_by(value, "-pk" if descending else "pk")

    def get_queryset(self):
        queryset = self._count_source = super().get_queryset()
        if self._giving_sort():
            # An inner join (every donor has a summary row, made by a trigger) lets the database walk
            # the summary's index and stop after a page, instead of joining and sorting every donor.
            queryset = queryset.filter(giving__isnull=False)
        return queryset

    def get_paginator(self, queryset, per_page, **kwargs):
        # Counted without the inner join: PostgreSQL drops the LEFT JOIN nobody reads from the count,
        # which then costs what the unsorted listing's count does.
        return _CountingPaginator(queryset, per_page, count_source=self._count_source, **kwargs)

    @staticmethod
    def _sort_by_expression(order_by):
        order = []
        for key in order_by:
            if isinstance(key, str) and key.lstrip("-") == "family_name_kana":
                expression = Concat("family_name_kana", Value(""))
                key = expression.desc() if key.startswith("-") else expression.asc()
            order.append(key)
        return order


class DonorDeleteView(generic.DeleteView):
    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            # Donations are the accounts' records: the person can be erased, the money cannot.
            messages.error(
                self.request,
                _(
                    "This donor has donations, which the accounts must keep. Erase their personal data instead."
                ),
            )
            return redirect("crm_donor:erase", self.object.pk)


class DonorActionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Base of the donor's merge / erase views: the permission check, the donor and the breadcrumbs."""

    model = Donor
    header_icon = "user"
    index_url_name = "crm_donor:index"
    inspect_url_name = "crm_donor:inspect"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Donor, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return self.object.display_name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": Donor._meta.verbose_name_plural.capitalize()},
            {"url": reverse(self.inspect_url_name, args=[self.object.pk]), "label": self.object.display_name},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(donor=self.object, **kwargs)


class MergeForm(forms.Form):
    duplicate = forms.CharField(
        label=_("Duplicate donor"),
        help_text=_("The duplicate's email address or donor number. It will be merged into this donor."),
    )

    def __init__(self, *args, survivor: Donor, **kwargs):
        super().__init__(*args, **kwargs)
        self.survivor = survivor

    def clean_duplicate(self) -> Donor:
        duplicate = donor_by_number_or_email(self.cleaned_data["duplicate"])
        if duplicate is None:
            raise ValidationError(_("No donor found with this email address or number."))
        if duplicate.pk == self.survivor.pk:
            raise ValidationError(_("Choose another donor: a donor cannot be merged into itself."))
        return duplicate


class DonorMergeView(DonorActionView):
    """Two steps: choose the duplicate, then confirm after seeing what will move."""

    permission_required = "change"
    page_title = _("Merge a duplicate")
    template_name = "crm/donors/merge.html"

    def get(self, request, *args, **kwargs):
        initial = {"duplicate": request.GET.get("duplicate", "")}
        return self.render_to_response(
            self.get_context_data(form=MergeForm(initial=initial, survivor=self.object))
        )

    def post(self, request, *args, **kwargs):
        if self.object.erased_at:
            messages.error(request, _("Erased donors cannot be merged."))
            return redirect(self.inspect_url_name, self.object.pk)
        form = MergeForm(request.POST, survivor=self.object)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        duplicate = form.cleaned_data["duplicate"]
        if request.POST.get("confirm") != "yes":
            summary = {
                _("Donations"): duplicate.donations.count(),
                _("Monthly memberships"): duplicate.recurring_donations.count(),
                _("Interactions"): duplicate.interactions.count(),
                _("Tags"): len(duplicate.tags.names()),
            }
            return self.render_to_response(
                self.get_context_data(form=form, duplicate=duplicate, summary=summary, confirming=True)
            )
        try:
            survivor = donors_merge(survivor=self.object, duplicate=duplicate, user=request.user)
        except DonorMergeError as error:
            messages.error(request, str(error))
            return redirect(self.inspect_url_name, self.object.pk)
        messages.success(
            request, _("Merged the duplicate into %(donor)s.") % {"donor": survivor.display_name}
        )
        return redirect(self.inspect_url_name, survivor.pk)


class DonorEraseView(DonorActionView):
    permission_required = "delete"
    page_title = _("Erase personal data")
    template_name = "crm/donors/erase.html"

    def post(self, request, *args, **kwargs):
        if request.POST.get("confirm") != "yes":
            return redirect("crm_donor:erase", self.object.pk)
        try:
            donor_erase(donor=self.object, user=request.user)
        except DonorErasureError as error:
            messages.error(request, str(error))
            return redirect(self.inspect_url_name, self.object.pk)
        messages.success(
            request, _("The donor's personal data was erased. Their donations remain, anonymous.")
        )
        return redirect(self.inspect_url_name, self.object.pk)


class DonorExportDataView(DonorActionView):
    permission_required = "view"

    def get(self, request, *args, **kwargs):
        data = donor_export_json(donor=self.object)
        log(instance=self.object, action="crm.export_data", user=request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="donor-{self.object.pk}.json"'
        return response


class DonorViewSet(ModelViewSet):
    model = Donor
    icon = "user"
    menu_label = _("Donors")
    add_to_admin_menu = False
    index_view_class = DonorIndexView
    delete_view_class = DonorDeleteView
    inspect_view_enabled = True
    inspect_template_name = "crm/interactions/donor_inspect.html"
    # Shows whether post reaches the donor (crm.mailings, through the crm_post template tag).
    edit_template_name = "crm/mailings/donor_edit.html"
    filterset_class = DonorFilterSet
    search_fields = ["search_text"]
    search_backend_name = None
    list_per_page = 25
    list_display = [
        "__str__",
        TextColumn("kana_name", label=_("Kana"), sort_key="family_name_kana"),
        TextColumn("email", label=pgettext_lazy("email address", "Email"), sort_key="email"),
        TextColumn("get_newsletter_status_display", label=_("Newsletter"), sort_key="newsletter_status"),
        # Stored per donor (crm_donorgiving) and indexed, so these sort 100,000 donors off an index.
        # "Member" sorts by how long: the longest-standing members first, non-members last.
        YesNoColumn("is_member", label=_("Member"), sort_key="member_since"),
        YenColumn("lifetime_value", label=_("Given (JPY)"), sort_key="lifetime_value"),
        DayColumn("last_gift_at", label=_("Last gift"), sort_key="last_gift_at"),
        DayColumn("created_at", label=_("Added"), sort_key="created_at"),
    ]
    list_export = [
        "id",
        *DONOR_PERSONAL_FIELDS,
        "preferred_language",
        "source",
        "newsletter_status",
        "is_member",
        "member_since",
        "lifetime_value",
        "first_gift_at",
        "last_gift_at",
        "created_at",
    ]
    export_headings = {
        "is_member": _("Monthly member"),
        "member_since": _("Member since"),
        "lifetime_value": _("Given in total (JPY)"),
        "first_gift_at": _("First gift"),
        "last_gift_at": _("Last gift"),
    }
    export_filename = "donors"
    ordering = ["family_name_kana", "given_name_kana", "pk"]
    form_fields = [
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "email",
        "phone",
        "postal_code",
        "prefecture",
        "city",
        "address_line",
        "no_post",
        "deceased_on",
        "preferred_language",
        "source",
        "newsletter_status",
        "newsletter_status_source",
        "company",
        "company_role",
        "tags",
        "notes",
    ]
    inspect_view_fields = [
        "email",
        "phone",
        "address",
        "no_post",
        "receipt_to_company",
        "preferred_language",
        "source",
        "newsletter_status",
        "newsletter_status_changed_at",
        "company",
        "company_role",
        "notes",
        "created_at",
        "erased_at",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("merge/<int:pk>/", self.merge_view, name="merge"),
            path("erase/<int:pk>/", self.erase_view, name="erase"),
            path("export-data/<int:pk>/", self.export_data_view, name="export_data"),
        ]

    @property
    def merge_view(self):
        return DonorMergeView.as_view()

    @property
    def erase_view(self):
        return DonorEraseView.as_view()

    @property
    def export_data_view(self):
        return DonorExportDataView.as_view()
