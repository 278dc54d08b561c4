"""Merging duplicate donors: everything the duplicate had moves to the survivor; nothing is lost."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from wagtail.log_actions import log

from crm.donors.models import DONOR_CONTACT_FIELDS, Donor, DonorEmailHistory, TaggedDonor

# Personal details the survivor takes from the duplicate when its own are empty.
_FILL_BLANKS = (
    *DONOR_CONTACT_FIELDS,
    "company",
    "company_role",
    "stripe_customer_id",
)


class DonorMergeError(ValueError):
    pass


def _related_foreign_keys() -> list[models.ForeignObjectRel]:
    """Every table pointing at a donor, including ones other CRM parts add later (invitations...)."""
    return [
        rel
        for rel in Donor._meta.related_objects
        if (rel.one_to_many or rel.one_to_one)
        and rel.related_model is not TaggedDonor
        # A row keyed by the donor (the stored giving summary) is the donor's own, not a record to
        # move: the survivor has one, recounted by triggers as the donations move.
        and not rel.field.primary_key
    ]


def _move_related(*, survivor: Donor, duplicate: Donor) -> tuple[dict[str, int], list[dict[str, Any]]]:
    moved: dict[str, int] = {}
    conflicts: list[dict[str, Any]] = []
    for rel in _related_foreign_keys():
        model = rel.related_model
        field = rel.field.name
        rows = model._base_manager.filter(**{field: duplicate})
        label = model._meta.label
        try:
            with transaction.atomic():
                count = rows.update(**{field: survivor})
        except IntegrityError:
            # A unique rule (one invitation per donor...) stops a bulk move: move row by row, and keep
            # a record of any row that cannot move, in the audit entry, before it goes with the duplicate.
            count = 0
            for pk in list(rows.values_list("pk", flat=True)):
                try:
                    with transaction.atomic():
                        count += model._base_manager.filter(pk=pk).update(**{field: survivor})
                except IntegrityError:
                    row = model._base_manager.filter(pk=pk).values().first()
                    conflicts.append({"model": label, "row": {k: str(v) for k, v in (row or {}).items()}})
        if count:
            moved[label] = count
    return moved, conflicts


@transaction.atomic
def donors_merge(*, survivor: Donor, duplicate: Donor, user: AbstractBaseUser | None) -> Donor:
    """Merge `duplicate` into `survivor` and delete the duplicate.

    Moves donations, recurring donations, interactions, consent history, former addresses and any
    other record pointing at the duplicate; adds its tags and notes; fills the survivor's empty
    details from it; keeps its address as a former address of the survivor; writes an audit entry.
    """
    if survivor.pk == duplicate.pk:
        raise DonorMergeError("A donor cannot be merged into itself.")
    survivor = Donor.objects.select_for_update().get(pk=survivor.pk)
    duplicate = Donor.objects.select_for_update().get(pk=duplicate.pk)
    if survivor.erased_at or duplicate.erased_at:
        raise DonorMergeError("Erased donors cannot be merged.")

    snapshot = {
        "id": duplicate.pk,
        "name": duplicate.display_name,
        "email": duplicate.email,
        "newsletter_status": duplicate.newsletter_status,
        "source": duplicate.source,
        "created_at": duplicate.created_at.isoformat(),
    }
    tags = list(duplicate.tags.names())
    filled = [name for name in _FILL_BLANKS if not getattr(survivor, name) and getattr(duplicate, name)]
    fill_values = {name: getattr(duplicate, name) for name in filled}
    duplicate_email = duplicate.email

    moved, conflicts = _move_related(survivor=survivor, duplicate=duplicate)

    # Free the duplicate's unique values before the survivor takes them.
    Donor.objects.filter(pk=duplicate.pk).update(email=None, stripe_customer_id="")
    for name, value in fill_values.items():
        setattr(survivor, name, value)
    if duplicate.notes:
        header = f"--- {timezone.localdate():%Y-%m-%d} merged from donor #{duplicate.pk} ---"
        survivor.notes = "\n\n".join(p for p in (survivor.notes, header, duplicate.notes) if p)
    if survivor.newsletter_status == Donor.NewsletterStatus.NEVER and (
        duplicate.newsletter_status != Donor.NewsletterStatus.NEVER
    ):
        survivor.newsletter_status = duplicate.newsletter_status
        survivor.newsletter_status_source = f"merge of donor #{duplicate.pk}"
    if duplicate.created_at < survivor.created_at:
        survivor.created_at = duplicate.created_at
    survivor.save()
    if tags:
        survivor.tags.add(*tags)
    if duplicate_email:
        DonorEmailHistory.objects.create(
            donor=survivor,
            email=duplicate_email,
            reason=DonorEmailHistory.Reason.MERGED,
            merged_from_id=duplicate.pk,
            recorded_by=user if getattr(user, "pk", None) else None,
        )

    log(
        instance=survivor,
        action="crm.merge",
        user=user if getattr(user, "pk", None) else None,
        data={"duplicate": snapshot, "moved": moved, "filled": filled, "tags": tags, "conflicts": conflicts},
    )
    duplicate.delete()
    return survivor
