"""Writes with a business meaning for postal mailings: finalise, returned mail, address filling."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.donors.models import Donor, normalise_email
from crm.interactions.models import Interaction
from crm.mailings.models import Mailing, MailingPiece, ReturnedMail
from crm.mailings.selectors import build_piece, donor_address_key, household_names, mailing_plan, postal_area


class MailingError(ValueError):
    """A mailing cannot be finalised as asked; the message is shown to staff."""


# --- finalise ------------------------------------------------------------------------------------------


@transaction.atomic
def mailing_finalise(*, mailing: Mailing, user=None, now=None) -> Mailing:
    """Freeze the pieces and put the mailing on every recipient's timeline. Runs once per mailing."""
    now = now or timezone.now()
    locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if locked.is_final:
        raise MailingError(_("This mailing is already final."))
    plan = mailing_plan(locked)
    if not plan.households:
        raise MailingError(_("Nobody would receive this mailing."))
    pieces = [
        build_piece(h, style=locked.name_style, position=n) for n, h in enumerate(plan.households, start=1)
    ]
    for piece in pieces:
        piece.mailing = locked
    MailingPiece.objects.bulk_create(pieces)
    saved = {p.position: p for p in MailingPiece.objects.filter(mailing=locked)}
    through = MailingPiece.donors.through
    through.objects.bulk_create(
        [through(mailingpiece_id=saved[p.position].pk, donor_id=d.pk) for p in pieces for d in p.donor_list]
    )
    summary = f"{locked.get_kind_display()}: {locked.title}"[:255]
    Interaction.objects.bulk_create(
        [
            Interaction(
                donor_id=d.pk,
                kind=Interaction.Kind.POST,
                happened_at=now,
                summary=summary,
                body=_("Postal mailing #%(id)s") % {"id": locked.pk},
                staff_user=user,
            )
            for p in pieces
            for d in p.donor_list
        ]
    )
    locked.status = Mailing.Status.FINAL
    locked.finalised_at = now
    locked.finalised_by = user
    locked.piece_count = plan.piece_count
    locked.donor_count = plan.donor_count
    locked.sent_on = locked.sent_on or timezone.localdate(now)
    locked.save()
    return locked


# --- returned mail -------------------------------------------------------------------------------------


@dataclass
class PasteLine:
    text: str
    donor: Donor | None = None
    candidates: list[Donor] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return self.donor is not None


_CODE = re.compile(r"^(?:#|d-?|no\.?\s*)?(\d+)$", re.IGNORECASE)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def _find_donor(text: str) -> tuple[Donor | None, list[Donor]]:
    """A donor by code (its number, #12, D-12), email address, or exact name (kanji or kana)."""
    donors = Donor.objects.filter(erased_at__isnull=True)
    code = _CODE.match(unicodedata.normalize("NFKC", text).strip())
    if code:
        donor = donors.filter(pk=int(code.group(1))).first()
        return donor, [donor] if donor else []
    if "@" in text:
        donor = donors.filter(email=normalise_email(text)).first()
        return donor, [donor] if donor else []
    wanted = _squash(text)
    found = [
        d
        for d in donors.search(text)[:50]
        if wanted in (_squash(d.family_name + d.given_name), _squash(d.family_name_kana + d.given_name_kana))
    ]
    return (found[0] if len(found) == 1 else None), found


def returned_mail_match_paste(*, text: str) -> list[PasteLine]:
    """One line per pasted name or code, with the donor it names (if exactly one)."""
    lines = []
    for raw in text.splitlines():
        raw = raw.strip().strip(",;\t")
        if not raw:
            continue
        donor, candidates = _find_donor(raw)
        lines.append(PasteLine(raw, donor, candidates))
    return lines


@transaction.atomic
def returned_mail_mark(*, donors: list[Donor], user=None, note: str = "", now=None) -> int:
    """Stop post to these donors' current addresses until the address changes. Returns how many."""
    now = now or timezone.now()
    marked = 0
    for donor in donors:
        _row, created = ReturnedMail.objects.get_or_create(
            donor=donor,
            address_key=donor_address_key(donor),
            defaults={"marked_at": now, "marked_by": user, "note": note[:255]},
        )
        if created:
            marked += 1
            Interaction.objects.create(
                donor=donor,
                kind=Interaction.Kind.POST,
                happened_at=now,
                summary=(_("Mail came back (宛先不明): %(address)s") % {"address": donor.address})[:255],
                staff_user=user,
            )
    return marked


# --- addresses -----------------------------------------------------------------------------------------


def donor_address_fill(*, donor: Donor) -> bool:
    """Fill a blank prefecture and city from the postal code (Japan Post's data). True if it did."""
    if not donor.postal_code or (donor.prefecture and donor.city):
        return False
    area = postal_area(donor.postal_code)
    if area is None:
        return False
    changed = False
    if not donor.prefecture:
        donor.prefecture = area.prefecture
        changed = True
    if not donor.city and donor.prefecture == area.prefecture:
        donor.city = area.city
        changed = True
    return changed


# --- erasure (APPI) ------------------------------------------------------------------------------------


def donor_erased_cleanup(*, donor: Donor) -> None:
    """An erased donor's address leaves the mailings too: returned-mail rows go, and envelopes they
    shared keep only the other names (an envelope for them alone keeps no name or address)."""
    ReturnedMail.objects.filter(donor=donor).delete()
    for piece in (
        MailingPiece.objects.filter(donors=donor).select_related("mailing").prefetch_related("donors")
    ):
        others = [d for d in piece.donors.all() if d.pk != donor.pk and not d.erased_at]
        if others:
            names = household_names(others, style=piece.mailing.name_style)
            if names:
                piece.addressee = "様・".join(names) + "様"
                piece.greeting_name = "・".join(names)
        else:
            for name in (
                "postal_code",
                "address1",
                "address2",
                "address3",
                "company",
                "department",
                "greeting_name",
            ):
                setattr(piece, name, "")
            piece.addressee = "—"
            piece.address_key = ""
        piece.save()
