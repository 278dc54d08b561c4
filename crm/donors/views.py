"""The admin's tag autocomplete, without donor tags for staff who may not see donors.

Donor tags (「大口」, 「要配慮」…) live in taggit's one Tag table beside the tags of stories and
images, and Wagtail's /admin/tag-autocomplete/ answers any staff login from that table. This
view takes its place (cms/urls.py routes it first): staff who may view donors get every tag, as
before; everyone else gets only tags that something other than a donor uses.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from taggit.models import Tag
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.tags import autocomplete as wagtail_autocomplete
from wagtail.permission_policies import ModelPermissionPolicy

from crm.donors.models import Donor, TaggedDonor

donor_permission = ModelPermissionPolicy(Donor)


@require_admin_access
def tag_autocomplete(request: HttpRequest, app_name: str | None = None, model_name: str | None = None):
    may_see_donors = donor_permission.user_has_any_permission(request.user, ["view", "change", "add"])
    if may_see_donors or (app_name, model_name) not in {(None, None), ("taggit", "tag")}:
        return wagtail_autocomplete(request, app_name=app_name, model_name=model_name)
    term = str(request.GET.get("term", ""))[:100]
    if not term:
        return JsonResponse([], safe=False)
    names = (
        Tag.objects.filter(name__istartswith=term)
        .exclude(pk__in=_donor_only_tags())
        .order_by("name")
        .values_list("name", flat=True)[:10]
    )
    return JsonResponse(list(names), safe=False)


def _donor_only_tags():
    """Tags on donors that nothing else (a story, an image, a document) uses: those are the CRM's."""
    donor_only = TaggedDonor.objects.values("tag_id")
    for relation in Tag._meta.related_objects:
        if relation.related_model is not TaggedDonor and relation.field.name == "tag":
            donor_only = donor_only.exclude(tag_id__in=relation.related_model._base_manager.values("tag_id"))
    return donor_only
