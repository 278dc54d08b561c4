"""Admin for segments (live count, preview, CSV export, "Push now") and the Mailchimp sync log.

Joins the CRM menu through crm.viewsets.extra_crm_viewsets (see crm/wagtail_hooks_mailchimp.py).
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from crm.models import MailchimpSyncRun, Segment
from crm.segments import SegmentRuleError

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


class SegmentInspectView(generic.InspectView):
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


class SegmentEditView(generic.EditView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The saved segment, not the form's instance: after an invalid POST that holds half-applied input.
        saved = Segment.objects.get(pk=self.object.pk)
        return {**context, **segment_members_context(saved)}


class SegmentCreateView(generic.CreateView):
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
    search_fields = ["name", "description"]
    list_display = [
        "name",
        Column("tag_name", label=_("Mailchimp tag")),
        DateColumn("last_pushed_at", label=_("Last pushed")),
        DateColumn("updated_at", label=_("Updated")),
    ]
    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")], heading=_("Segment")
        ),
        FieldPanel("match"),
        FieldPanel("rules"),
        FieldRowPanel([FieldPanel("mailchimp_tag"), FieldPanel("push_to_mailchimp")], heading=_("Mailchimp")),
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("export/<int:pk>/", self.export_members_view, name="export"),
            path("push/<int:pk>/", self.push_view, name="push"),
        ]

    def _check(self, request, action: str) -> None:
        if not self.permission_policy.user_has_permission(request.user, action):
            raise PermissionDenied

    def export_members_view(self, request, pk: int):
        self._check(request, "view")
        segment = get_object_or_404(Segment, pk=pk)

        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())
        fields = ["id", "family_name", "given_name", "email", "preferred_language", "newsletter_status"]

        def rows():
            yield "\ufeff"  # Excel opens UTF-8 Japanese names correctly only with a BOM
            yield writer.writerow(fields)
            for row in segment.donors().order_by("pk").values_list(*fields).iterator(chunk_size=2000):
                yield writer.writerow(row)

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="segment-{segment.slug}.csv"'
        return response

    def push_view(self, request, pk: int) -> HttpResponse:
        return require_POST(self._push)(request, pk)

    def _push(self, request, pk: int) -> HttpResponse:
        self._check(request, "change")
        segment = get_object_or_404(Segment, pk=pk)
        from crm.tasks_mailchimp import mailchimp_push_task

        mailchimp_push_task.enqueue(
            segment_ids=[segment.pk],
            whole_audience=False,
            trigger=f"push now by {request.user.get_username()}",
        )
        messages.success(
            request,
            _("Pushing “%(name)s” to Mailchimp. The sync log shows the result.") % {"name": segment.name},
        )
        return redirect("crm_segment:inspect", segment.pk)


class MailchimpSyncRunViewSet(ModelViewSet):
    model = MailchimpSyncRun
    icon = "history"
    menu_label = _("Mailchimp sync log")
    add_to_admin_menu = False
    inspect_view_enabled = True
    list_filter = ["kind", "status"]
    list_display = [
        "__str__",
        Column("trigger", label=_("Started by")),
        Column("created", label=_("Created")),
        Column("updated", label=_("Updated")),
        Column("tagged", label=_("Tagged")),
        Column("untagged", label=_("Untagged")),
        Column("failed", label=_("Failed")),
        Column("corrected", label=_("Consent corrected")),
        Column("api_calls", label=_("API calls")),
        Column("seconds", label=_("Seconds")),
    ]
    form_fields = []  # the log is written by syncs only
    # Listing and inspect only: nobody edits, copies or deletes history. Every view gets the URL
    # names of the views dropped here unset, so no listing or header builds a link to them.
    copy_view_enabled = False
    _read_only_views = {"index", "index_results", "inspect"}

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name in self._read_only_views]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "delete_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )


segment_viewset = SegmentViewSet("crm_segment", url_prefix="crm/segments")
mailchimp_sync_run_viewset = MailchimpSyncRunViewSet(
    "crm_mailchimp_sync_run", url_prefix="crm/mailchimp-sync-log"
)
