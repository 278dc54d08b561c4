"""The two staff groups and what each may touch. Idempotent: run after every migrate."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

COMMUNICATIONS = "Communications"
FUNDRAISING = "Fundraising"

_PAGE_ACTIONS_COMMUNICATIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
# Wagtail has no "view page" permission; lock is the least one that makes the page tree explorable.
_PAGE_ACTIONS_FUNDRAISING = ("lock_page",)
_COLLECTION_MODELS = (("wagtailimages", "image"), ("wagtaildocs", "document"))


def _permissions(app_label: str, model: str | None = None) -> list[Permission]:
    qs = Permission.objects.filter(content_type__app_label=app_label)
    if model:
        qs = qs.filter(content_type__model=model)
    return list(qs)


def _snippet_permissions() -> list[Permission]:
    """Model permissions of every snippet outside the CRM (media mentions, awards, testimonials...)."""
    from wagtail.snippets.models import get_snippet_models

    perms: list[Permission] = []
    for model in get_snippet_models():
        if model._meta.app_label == "crm":
            continue
        ct = ContentType.objects.get_for_model(model)
        perms.extend(Permission.objects.filter(content_type=ct))
    return perms


def _page_permissions(group: Group, codenames: tuple[str, ...]) -> None:
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None:
        return
    for perm in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=perm)
    GroupPagePermission.objects.filter(group=group, page=root).exclude(
        permission__codename__in=codenames
    ).delete()


def _collection_permissions(group: Group) -> None:
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    if root is None:
        return
    for app_label, model in _COLLECTION_MODELS:
        for perm in _permissions(app_label, model):
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=perm)


@transaction.atomic
def ensure_staff_groups() -> dict[str, Group]:
    """Create or repair the "Communications" and "Fundraising" groups.

    Communications: pages (add/edit/publish), snippets, images, documents; no CRM permission at all.
    Fundraising: every CRM permission, including those of CRM tables added later; pages read-only.
    """
    access_admin = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")

    communications, _ = Group.objects.get_or_create(name=COMMUNICATIONS)
    # The donation page's bank account (振込先) is site content: a setting Communications edits.
    comms_perms = {*access_admin, *_snippet_permissions(), *_permissions("home", "banktransferaccount")}
    # Anything CRM a past version or a careless edit granted goes: the CRM is not theirs.
    communications.permissions.remove(*communications.permissions.filter(content_type__app_label="crm"))
    communications.permissions.add(*comms_perms)
    _page_permissions(communications, _PAGE_ACTIONS_COMMUNICATIONS)
    _collection_permissions(communications)

    fundraising, _ = Group.objects.get_or_create(name=FUNDRAISING)
    fundraising.permissions.add(*access_admin, *_permissions("crm"))
    _page_permissions(fundraising, _PAGE_ACTIONS_FUNDRAISING)
    return {COMMUNICATIONS: communications, FUNDRAISING: fundraising}
