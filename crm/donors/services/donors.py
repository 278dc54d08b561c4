"""Creating and updating donors. One donor per email address, whoever writes first."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from crm.donors.models import Donor, DonorEmailHistory, normalise_email

# Set when the donor is created and never overwritten: where we first met them stays true.
_CREATE_ONLY = {"source"}


def donor_find_by_email(*, email: str) -> Donor | None:
    """The donor using this address now, or the survivor a merged duplicate's address now points to."""
    normalised = normalise_email(email)
    if not normalised:
        return None
    donor = Donor.objects.filter(email=normalised).first()
    if donor is None:
        former = DonorEmailHistory.objects.filter(email=normalised).select_related("donor").first()
        donor = former.donor if former else None
    return donor


@transaction.atomic
def donor_upsert(*, email: str, tags: Iterable[str] = (), **fields: Any) -> tuple[Donor, bool]:
    """Find the donor by normalised email (or an address merged into them) and fill in `fields`.

    Returns (donor, created). Empty values ("" or None) never overwrite what we already know, so a
    sparse import row or a Stripe event without an address does not wipe a donor's details.
    """
    normalised = normalise_email(email)
    if not normalised:
        raise ValueError("donor_upsert needs an email address")
    _check_fields(fields)

    donor = donor_find_by_email(email=normalised)
    created = False
    if donor is None:
        try:
            # A savepoint, so a concurrent insert of the same address (two webhook deliveries)
            # turns into an update of the row the other one wrote.
            with transaction.atomic():
                donor = Donor(email=normalised, **{k: v for k, v in fields.items() if v is not None})
                donor.save()
                created = True
        except IntegrityError:
            donor = Donor.objects.get(email=normalised)
    if not created:
        donor = Donor.objects.select_for_update().get(pk=donor.pk)
        changed = [
            name
            for name, value in fields.items()
            if name not in _CREATE_ONLY and value not in (None, "") and getattr(donor, name) != value
        ]
        for name in changed:
            setattr(donor, name, fields[name])
        if changed:
            donor.save()
    _add_tags(donor, tags)
    return donor, created


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - {f.name for f in Donor._meta.get_fields()}
    if unknown:
        raise TypeError(f"Unknown donor fields: {sorted(unknown)}")


def _add_tags(donor: Donor, tags: Iterable[str]) -> None:
    tags = [t for t in tags if t]
    if tags:
        donor.tags.add(*tags)


class DonorExistsError(ValueError):
    """The address belongs to a donor already: the caller should use that donor, not make another."""

    def __init__(self, donor: Donor):
        super().__init__(f"donor #{donor.pk} has this address")
        self.donor = donor


@transaction.atomic
def donor_create(*, email: str = "", tags: Iterable[str] = (), **fields: Any) -> Donor:
    """A new donor, who may have no address yet (a bank transfer often names only a reading).

    With an address this is donor_upsert, but never a quiet update: an address that belongs to a donor
    already (or was merged into one) raises DonorExistsError and, this being atomic, changes nothing.
    Without one the donor is saved as given; Donor.save() builds the search text, so the new donor is
    found by kanji, kana, romaji or phone, and the merge page offers namesakes as usual.
    """
    if email:
        existing = donor_find_by_email(email=email)
        if existing is not None:
            raise DonorExistsError(existing)
        donor, created = donor_upsert(email=email, tags=tags, **fields)
        if not created:  # written by someone else since the check: undo what the upsert filled in
            raise DonorExistsError(donor)
        return donor
    _check_fields(fields)
    donor = Donor(**{k: v for k, v in fields.items() if v is not None})
    donor.save()
    _add_tags(donor, tags)
    return donor
