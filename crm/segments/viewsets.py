"""Admin for segments (live count, preview, CSV export; "Push now" comes from crm.mailing.viewsets)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from crm.donors.models import Donor
from crm.exports import csv_response
from crm.inspect_views import ReadableInspectView
from crm.segments.blocks import field_guide
from crm.segments.models import Segment
from crm.segments.rules import SegmentRuleError
from crm.segments.selectors import LiveCount, live_count

PREVIEW_SIZE = 50


def segment_members_context(segment: Segment) -> dict[str, Any]:
    """The live count and the first donors of a segment, for its inspect and edit pages."""
    context: dict[str, Any] = {"preview_size": PREVIEW_SIZE}
    try:
        donors = segment.donors()
        context["member_count"] = donors.count()
        context["preview"] = list(
            donors.order_by("family_name_kana", "given_name_kana", "pk").only(
                "pk", "family_name", "given_name", "email", "newsletter_status", "erased_at"
            )[:PREVIEW_SIZE]
        )
    except SegmentRuleError as exc:
        # Rules saved before a validation existed (or edited outside the form) explain themselves.
        context["rule_error"] = str(exc)
    return context


class SegmentInspectView(ReadableInspectView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **segment_members_context(self.object)}

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            HeaderButton(
                _("Export members (CSV)"),
                url=reverse("crm_segment:export", args=[self.pk]),
                icon_name="download",
                priority=30,
            )
        )
        return buttons


def live_count_text(result: LiveCount) -> str:
    if result.count is None:
        return result.problem
    return ngettext(
        "%(count)s donor matches these rules now.", "%(count)s donors match these rules now.", result.count
    ) % {"count": f"{result.count:,}"}


class LiveCountMixin:
    """The builder's count while the rules change: the script asks crm_segment:count as the person
    types; without it the form's "Count" button posts here and the form comes back, unsaved, with
    the count beside the buttons."""

    def post(self, request, *args, **kwargs):
        if "count" not in request.POST:
            return super().post(request, *args, **kwargs)
        if not hasattr(self, "object"):
            self.object = self.get_object() if "pk" in self.kwargs else None
        self.form = self.get_form()
        context = self.get_context_data(form=self.form)
        context["live_count_text"] = live_count_text(live_count(request.POST))
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["field_guide"] = field_guide()
        context["live_count_url"] = reverse("crm_segment:count")
        return context


class SegmentEditView(LiveCountMixin, generic.EditView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The saved segment, not the form's instance: after an invalid POST that holds half-applied input.
        saved = Segment.objects.get(pk=self.object.pk)
        return {**context, **segment_members_context(saved)}


class SegmentCreateView(LiveCountMixin, generic.CreateView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.created_by = self.request.user
        instance.save()
        self.form.save_m2m()
        return instance


class SegmentViewSet(ModelViewSet):
    model = Segment
    icon = "filter"
    menu_label = _("Segments")
    add_to_admin_menu = False
    inspect_view_enabled = True
    inspect_view_class = SegmentInspectView
    add_view_class = SegmentCreateView
    edit_view_class = SegmentEditView
    inspect_template_name = "crm/segments/inspect.html"
    edit_template_name = "crm/segments/edit.html"
    create_template_name = "crm/segments/create.html"
    search_fields = ["name", "description"]
    list_display = [
        "name",
        Column("tag_name", label=_("Mailchimp tag")),
        DateColumn("last_pushed_at", label=_("Last pushed")),
        DateColumn("updated_at", label=_("Updated")),
    ]
    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("description")], heading=_("Segment")),
        FieldPanel("match"),
        FieldPanel(
            "rules",
            help_text=_(
                "Amounts in yen (10000 or ¥10,000); dates as 2026-04-01; several choices separated by commas."
            ),
        ),
        FieldRowPanel([FieldPanel("mailchimp_tag"), FieldPanel("push_to_mailchimp")], heading=_("Mailchimp")),
    ]

    push_view = None

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("export/<int:pk>/", self.export_members_view, name="export"),
            path("count/", require_POST(self.count_view), name="count"),
            # "Push now" belongs to mailing, which uses segments (never the reverse): crm/wagtail_hooks.py
            # hands the view in as push_view.
            *([path("push/<int:pk>/", self.push_view, name="push")] if self.push_view else []),
        ]

    def _check(self, request, action: str) -> None:
        if not self.permission_policy.user_has_permission(request.user, action):
            raise PermissionDenied

    def count_view(self, request):
        """The live count for the posted (unsaved) form, as JSON for crm/static/crm/segment_rules.js."""
        if not any(self.permission_policy.user_has_permission(request.user, a) for a in ("add", "change")):
            raise PermissionDenied
        result = live_count(request.POST)
        return JsonResponse({"count": result.count, "text": live_count_text(result)})

    def export_members_view(self, request, pk: int):
        self._check(request, "view")
        segment = get_object_or_404(Segment, pk=pk)

        fields = ["id", "family_name", "given_name", "email", "preferred_language", "newsletter_status"]
        headings = [
            pgettext("spreadsheet heading", "Number")
            if name == "id"
            else capfirst(Donor._meta.get_field(name).verbose_name)
            for name in fields
        ]
        donors = segment.donors().order_by("pk").only(*fields).iterator(chunk_size=2000)
        rows = (
            [
                donor.pk,
                donor.family_name,
                donor.given_name,
                donor.email,
                donor.get_preferred_language_display(),
                donor.get_newsletter_status_display(),
            ]
            for donor in donors
        )
        return csv_response(filename=f"segment-{segment.slug}", headings=headings, rows=rows, request=request)
