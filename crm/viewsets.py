"""The CRM menu of the Wagtail admin: listings, filters, search, exports, inspect pages with the
whole timeline, and the merge / erase / export-my-data views.

Other CRM parts (import upload, segments, sync log, invitation queue) join the menu by appending
their viewsets to `extra_crm_viewsets` before the admin builds its menu.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, ProtectedError, Value
from django.db.models.functions import Concat
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from taggit.models import Tag
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, Table
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from crm.models import (
    Donation,
    Donor,
    Interaction,
    PartnerCompany,
    RecurringDonation,
    RecurringDonationChange,
    TaggedDonor,
    normalise_email,
)
from crm.services.merge import DonorMergeError, donors_merge
from crm.services.privacy import DonorErasureError, donor_erase, donor_export_json

#: Viewsets (classes or instances) other modules add to the CRM menu, e.g. the import upload.
extra_crm_viewsets: list[Any] = []


# --- timeline -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    url: str = ""


TIMELINE_LIMIT = 200


def donor_timeline(donor: Donor) -> list[TimelineEntry]:
    """Donations, membership changes, consent changes, interactions and former addresses, newest first.

    Each source is one query with a limit, so a donor with years of monthly gifts stays quick.
    """
    entries: list[TimelineEntry] = []
    for d in donor.donations.select_related("recurring_donation")[:TIMELINE_LIMIT]:
        kind = _("Monthly gift") if d.recurring_donation_id else _("Donation")
        detail = f"{d.get_method_display()} · {d.get_status_display()}"
        if d.amount_refunded:
            detail += " · " + _("refunded %(refunded)s, kept %(net)s") % {
                "refunded": f"{d.amount_refunded:,} {d.currency}",
                "net": f"{d.net_amount:,} {d.currency}",
            }
        entries.append(TimelineEntry(d.received_at, "donation", f"{kind}: {d.amount:,} {d.currency}", detail))
    changes = RecurringDonationChange.objects.filter(recurring_donation__donor=donor).select_related(
        "recurring_donation"
    )[:TIMELINE_LIMIT]
    for c in changes:
        rd = c.recurring_donation
        entries.append(
            TimelineEntry(
                c.changed_at,
                "membership",
                _("Monthly membership: %(status)s") % {"status": c.get_status_display()},
                f"{rd.amount:,} {rd.currency} / {rd.get_interval_display()}",
            )
        )
    for c in donor.consent_changes.all()[:TIMELINE_LIMIT]:
        entries.append(
            TimelineEntry(
                c.changed_at,
                "consent",
                _("Newsletter: %(status)s") % {"status": c.get_status_display()},
                c.source,
            )
        )
    for i in donor.interactions.for_timeline()[:TIMELINE_LIMIT]:
        staff = i.staff_user.get_full_name() or i.staff_user.get_username() if i.staff_user else ""
        entries.append(
            TimelineEntry(i.happened_at, "interaction", f"{i.get_kind_display()}: {i.summary}", staff)
        )
    for e in donor.email_history.all()[:TIMELINE_LIMIT]:
        entries.append(
            TimelineEntry(
                e.recorded_at,
                "email",
                _("Former address: %(email)s") % {"email": e.email},
                e.get_reason_display(),
            )
        )
    entries.extend(_audit_and_facebook_group_entries(donor))
    return sorted(entries, key=lambda e: e.when, reverse=True)


def _staff_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _audit_and_facebook_group_entries(donor: Donor) -> list[TimelineEntry]:
    """Audit-log entries, and the Facebook-group invitation's changes, each change shown once.

    The invitation service writes an event and an audit entry for every change, at the same instant.
    Where both exist they become one row: the entry's readable message with the event's from -> to
    and note. Events without an entry on this donor (history moved here by a merge: the audit entries
    stay with the merged-away donor's id) show on their own.
    """
    from crm.models.invitations import FacebookGroupInvitationEvent

    audit = _audit_log_entries(donor)
    events = FacebookGroupInvitationEvent.objects.filter(invitation__donor=donor).select_related("by_user")[
        :TIMELINE_LIMIT
    ]
    by_change = {(entry.action, entry.timestamp): i for i, (entry, _row) in enumerate(audit)}
    rows = [row for _entry, row in audit]
    for event in events:
        change = f"{event.get_from_status_display() or '—'} → {event.get_to_status_display()}"
        detail = " · ".join(x for x in (change, _staff_name(event.by_user), event.note) if x)
        matched = by_change.pop((f"crm.facebook_group.{event.to_status}", event.at), None)
        if matched is not None:
            rows[matched] = TimelineEntry(rows[matched].when, "audit", rows[matched].title, detail)
        else:
            title = _("Facebook group: %(status)s") % {"status": event.get_to_status_display()}
            rows.append(TimelineEntry(event.at, "facebook_group", title, detail))
    return rows


def _audit_log_entries(instance) -> list[tuple[ModelLogEntry, TimelineEntry]]:
    """The CRM's audit-log entries on an object, titled with their registered, readable message."""
    from django.contrib.contenttypes.models import ContentType

    logs = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        action__startswith="crm.",
    ).select_related("user")[:TIMELINE_LIMIT]
    return [
        (entry, TimelineEntry(entry.timestamp, "audit", str(entry.message), _staff_name(entry.user)))
        for entry in logs
    ]


def company_timeline(company: PartnerCompany) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            i.happened_at,
            "interaction",
            f"{i.get_kind_display()}: {i.summary}",
            i.donor.display_name if i.donor_id else "",
        )
        for i in company.interactions.for_timeline().select_related("donor")[:TIMELINE_LIMIT]
    ]
    gifts = Donation.objects.filter(donor__company=company).select_related("donor")[:TIMELINE_LIMIT]
    entries.extend(
        TimelineEntry(d.received_at, "donation", f"{d.amount:,} {d.currency}", d.donor.display_name)
        for d in gifts
    )
    return sorted(entries, key=lambda e: e.when, reverse=True)


# --- donors ---------------------------------------------------------------------------------------


def _donor_tags(request=None):
    return Tag.objects.filter(Exists(TaggedDonor.objects.filter(tag=OuterRef("pk")))).order_by("name")


# The donor listing renders its cells with format_html instead of Wagtail's template per cell: a
# page of 100 donors has 800 cells, and the templates (a dropdown of buttons per row, a tooltip per
# date) cost more than the database does. The markup keeps Wagtail's classes, so it looks the same.


class TextColumn(Column):
    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        return format_html("<td>{}</td>", "" if value is None else value)


class YenColumn(Column):
    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        return format_html('<td class="w-text-right">{}</td>', f"{value:,}" if value is not None else "")


class DayColumn(Column):
    """A date as 2026-04-01 (the Japanese office's format), the full time in the datetime attribute."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if not value:
            return mark_safe("<td></td>")
        day = timezone.localtime(value) if isinstance(value, datetime.datetime) else value
        return format_html(
            '<td><time datetime="{}">{}</time></td>', value.isoformat(), day.strftime("%Y-%m-%d")
        )


class YesNoColumn(Column):
    _ICONS = {
        True: ("check", "w-text-positive-100", _("Yes")),
        False: ("cross", "w-text-text-error", _("No")),
    }

    def render_cell_html(self, instance, parent_context):
        name, classname, label = self._ICONS[bool(self.get_value(instance))]
        return format_html(
            '<td><svg class="icon icon-{0} default {1}" aria-hidden="true"><use href="#icon-{0}"></use></svg>'
            '<span class="w-sr-only">{2}</span></td>',
            name,
            classname,
            label,
        )


class DonorNameColumn(Column):
    """The name opens the donor's record and timeline; staff who may change donors get an Edit link."""

    def __init__(self, name, *, view: DonorIndexView, **kwargs):
        super().__init__(name, **kwargs)
        self.view = view

    def render_cell_html(self, instance, parent_context):
        inspect_url = self.view.get_inspect_url(instance)
        name = str(instance) or _("(blank)")
        title = format_html('<a href="{}">{}</a>', inspect_url, name) if inspect_url else name
        actions = ""
        if edit_url := self.view.get_edit_url(instance):
            actions = format_html(
                '<ul class="actions"><li><a class="button button-small button-secondary" href="{}">{}</a>'
                "</li></ul>",
                edit_url,
                _("Edit"),
            )
        return format_html('<td class="title"><div class="title-wrapper">{}</div>{}</td>', title, actions)


class DonorTable(Table):
    """Rows joined in Python: the donor columns above render without the template context."""

    template_name = "crm/donor_table.html"

    def body_html(self) -> str:
        columns = list(self.columns.values())
        context = {"table": self}
        return mark_safe(
            "".join(
                "<tr>" + "".join(column.render_cell_html(instance, context) for column in columns) + "</tr>"
                for instance in self.data
            )
        )


class DonorFilterSet(WagtailFilterSet):
    member = django_filters.BooleanFilter(label=_("Monthly member"), method="filter_member")
    tags = django_filters.ModelMultipleChoiceFilter(
        label=_("Tags"),
        field_name="tags",
        queryset=_donor_tags,
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
        gifts = Donation.objects.filter(donor=OuterRef("pk"), status=Donation.Status.SUCCEEDED)
        if value.start is not None:
            gifts = gifts.filter(received_at__gte=value.start)
        if value.stop is not None:
            gifts = gifts.filter(received_at__lt=value.stop)
        return queryset.filter(Exists(gifts))


class _CountingPaginator(WagtailPaginator):
    def __init__(self, *args, count_source, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_source = count_source

    @cached_property
    def count(self) -> int:
        return self.count_source.count()


class DonorIndexView(generic.IndexView):
    table_class = DonorTable

    def _get_title_column(self, field_name, column_class=None, **kwargs):
        return DonorNameColumn(field_name, view=self, label=_("Donor"))

    def get_base_queryset(self):
        # The haystack and notes are wide and never shown in the listing.
        return Donor.objects.select_related("company").defer("search_text", "notes").with_giving()

    #: A search matching at least this many donors is "common" (every example.jp address, one kana).
    COMMON_MATCHES = 2000

    def search_queryset(self, queryset):
        # Kanji, kana, romaji and email all meet in the normalised search_text (see crm.querysets).
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
    # reads them off crm_donorgiving's indexes (the descending ones are in crm.giving_sql).
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


class DonorInspectView(generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(Donor.objects.select_related("company").with_giving(), pk=self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        donor = self.object
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
        value = self.cleaned_data["duplicate"].strip()
        qs = Donor.objects.filter(erased_at__isnull=True)
        duplicate = (
            qs.filter(pk=int(value)).first()
            if value.isdigit()
            else qs.filter(email=normalise_email(value)).first()
        )
        if duplicate is None:
            raise ValidationError(_("No donor found with this email address or number."))
        if duplicate.pk == self.survivor.pk:
            raise ValidationError(_("Choose another donor: a donor cannot be merged into itself."))
        return duplicate


class DonorMergeView(DonorActionView):
    """Two steps: choose the duplicate, then confirm after seeing what will move."""

    permission_required = "change"
    page_title = _("Merge a duplicate")
    template_name = "crm/donor_merge.html"

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
    template_name = "crm/donor_erase.html"

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
    inspect_view_class = DonorInspectView
    delete_view_class = DonorDeleteView
    inspect_view_enabled = True
    inspect_template_name = "crm/donor_inspect.html"
    filterset_class = DonorFilterSet
    search_fields = ["search_text"]
    search_backend_name = None
    list_per_page = 25
    list_display = [
        "__str__",
        TextColumn("kana_name", label=_("Kana"), sort_key="family_name_kana"),
        TextColumn("email", label=_("Email"), sort_key="email"),
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
    export_headings = {"lifetime_value": "lifetime_value_jpy"}
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


# --- donations and monthly members ----------------------------------------------------------------


class DonationFilterSet(WagtailFilterSet):
    received_at = django_filters.DateFromToRangeFilter(label=_("Received"), widget=DateRangePickerWidget)
    recurring = django_filters.BooleanFilter(
        label=_("Part of a monthly gift"), field_name="recurring_donation", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Donation
        fields = ["status", "method", "currency", "received_at", "recurring"]


class DonationIndexView(generic.IndexView):
    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.filter(donor__in=Donor.objects.search(self.search_query))


class DonationViewSet(ModelViewSet):
    model = Donation
    icon = "bars"
    menu_label = _("Donations")
    add_to_admin_menu = False
    index_view_class = DonationIndexView
    filterset_class = DonationFilterSet
    search_fields = ["donor__search_text"]
    search_backend_name = None
    inspect_view_enabled = True
    list_per_page = 50
    list_display = [
        "__str__",
        Column("donor", label=_("Donor"), sort_key="donor__family_name_kana"),
        Column("amount", label=_("Amount"), sort_key="amount"),
        Column("amount_refunded", label=_("Refunded"), sort_key="amount_refunded"),
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


class RecurringDonationViewSet(ModelViewSet):
    model = RecurringDonation
    icon = "repeat"
    menu_label = _("Monthly members")
    url_prefix = "crm/monthly-members"
    add_to_admin_menu = False
    index_view_class = RecurringDonationIndexView
    filterset_class = RecurringDonationFilterSet
    search_fields = ["donor__search_text"]
    search_backend_name = None
    inspect_view_enabled = True
    list_per_page = 50
    list_display = [
        "__str__",
        Column("donor", label=_("Donor"), sort_key="donor__family_name_kana"),
        Column("amount", label=_("Amount"), sort_key="amount"),
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


# --- partner companies and interactions -----------------------------------------------------------


class PartnerCompanyFilterSet(WagtailFilterSet):
    class Meta:
        model = PartnerCompany
        fields = ["show_on_site", *PartnerCompany.RELATIONSHIP_FIELDS]


class PartnerCompanyInspectView(generic.InspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            company=self.object,
            contacts=self.object.contacts.filter(erased_at__isnull=True),
            timeline=company_timeline(self.object),
        )
        return context


class PartnerCompanyViewSet(ModelViewSet):
    model = PartnerCompany
    icon = "site"
    menu_label = _("Partner companies")
    url_prefix = "crm/companies"
    add_to_admin_menu = False
    filterset_class = PartnerCompanyFilterSet
    search_fields = ["name", "name_kana", "name_en"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = PartnerCompanyInspectView
    inspect_template_name = "crm/company_inspect.html"
    list_display = [
        "__str__",
        "name_kana",
        "name_en",
        BooleanColumn("show_on_site", label=_("On the site"), sort_key="show_on_site"),
        Column("site_order", label=_("Order"), sort_key="site_order"),
        "is_hiring_partner",
        "is_corporate_donor",
    ]
    list_export = [
        "id",
        "name",
        "name_kana",
        "name_en",
        "website",
        *PartnerCompany.RELATIONSHIP_FIELDS,
        "show_on_site",
        "site_order",
    ]
    export_filename = "partner-companies"
    form_fields = [
        "name",
        "name_kana",
        "name_en",
        "website",
        "logo",
        *PartnerCompany.RELATIONSHIP_FIELDS,
        "description",
        "show_on_site",
        "site_order",
    ]
    inspect_view_fields = [
        "name",
        "name_kana",
        "name_en",
        "website",
        "relationship_kinds",
        "show_on_site",
        "site_order",
        "description",
    ]


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
    list_export = ["id", "kind", "happened_at", "summary", "donor_id", "company_id", "staff_user"]
    export_filename = "interactions"
    ordering = ["-happened_at"]
    form_fields = ["donor", "company", "kind", "happened_at", "summary", "body", "staff_user"]

    def get_queryset(self, request):
        return Interaction.objects.select_related("donor", "company", "staff_user")


CORE_CRM_VIEWSETS = [
    DonorViewSet("crm_donor", url_prefix="crm/donors"),
    RecurringDonationViewSet("crm_monthly_member"),
    DonationViewSet("crm_donation", url_prefix="crm/donations"),
    PartnerCompanyViewSet("crm_company"),
    InteractionViewSet("crm_interaction", url_prefix="crm/interactions"),
]


class CRMViewSetGroup(ModelViewSetGroup):
    menu_label = _("CRM")
    menu_icon = "group"
    menu_order = 250
    #: Other apps may also add plain menu items through this hook.
    submenu_hook = "register_crm_menu_item"

    @property
    def items(self):
        return [*CORE_CRM_VIEWSETS, *extra_crm_viewsets]
