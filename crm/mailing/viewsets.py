"""Mailchimp in the CRM menu: the sync log, and "Push now" on a segment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from crm.inspect_views import ReadableInspectView
from crm.mailing.models import MailchimpSyncRun
from crm.mailing.tasks import mailchimp_push_task
from crm.segments.models import Segment


@require_POST
def segment_push_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a push of one segment; the sync log shows the result. Mounted as crm_segment:push."""
    if not request.user.has_perm("crm.change_segment"):
        raise PermissionDenied
    segment = get_object_or_404(Segment, pk=pk)
    # A push tags real people in Mailchimp: only the confirmed form on the segment's page sends it.
    if request.POST.get("confirm") != "yes":
        messages.warning(request, _("Tick the confirmation to push this segment to Mailchimp."))
        return redirect("crm_segment:inspect", segment.pk)
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
    inspect_view_class = ReadableInspectView
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
