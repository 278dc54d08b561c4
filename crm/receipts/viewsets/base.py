"""What the Receipts menu's views share: records are never deleted, "edit" opens the record, PDFs."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permission_policies import ModelPermissionPolicy


class KeptRecordsPolicy(ModelPermissionPolicy):
    """Receipts, runs, batches and thanks are records of what was issued and sent: never deleted."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return action != "delete" and super().user_has_permission_for_instance(user, action, instance)


class _ToInspect(PermissionCheckedMixin, TemplateView):
    """Where Wagtail's listing links "edit": these records are not edited, so it opens the inspect view."""

    permission_required = "view"
    namespace = ""

    def get(self, request, pk):
        return redirect(f"{self.namespace}:inspect", pk)


def _pdf(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


class KeptRecordsViewSetMixin:
    """For the viewsets of kept records: no delete or copy screen exists at all (the policy above
    would only refuse it), and no listing or header builds a link to one."""

    copy_view_enabled = False

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name != "delete"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**{"delete_url_name": None, **kwargs})
