"""Who belongs in the Facebook-group queue: members join it, lapsed members leave it, staff add people by hand."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from crm.community.models import (
    FacebookGroupInvitation,
    new_join_code,
)
from crm.community.services.invitations import (
    BULK_MARKS,
    Invitation,
    InvitationError,
    Reason,
    Status,
    _record,
    _transition_many,
    invitation_return_to_queue,
    past_due_grace_days,
)
from crm.donors.models import Donor
from crm.giving.models import RecurringDonation

logger = logging.getLogger(__name__)


def _create_invitations(
    donor_ids: list[int], *, manual: bool = False, user=None, note: str, now
) -> list[int]:
    """Insert invitations for these donors (none of whom has one yet); returns the new ids."""
    if not donor_ids:
        return []
    for _attempt in range(5):
        try:
            with transaction.atomic():
                created = Invitation.objects.bulk_create(
                    [
                        Invitation(
                            donor_id=donor_id,
                            join_code=new_join_code(),
                            manual=manual,
                            created_at=now,
                            status_changed_at=now,
                        )
                        for donor_id in donor_ids
                    ]
                )
                rows = list(
                    Invitation.objects.filter(
                        donor_id__in=donor_ids, created_at=now, status=Status.ELIGIBLE
                    ).values_list("pk", "donor_id")
                )
                _record(
                    [(pk, d, "") for pk, d in rows], to_status=Status.ELIGIBLE, user=user, note=note, now=now
                )
                return [pk for pk, _d in rows] if created else []
        except IntegrityError:
            # A join code collided (31^5 ≈ 29 million codes), or another run added one of these
            # donors a moment ago: keep only donors still without an invitation and try again.
            donor_ids = list(
                Donor.objects.filter(pk__in=donor_ids)
                .exclude(Exists(Invitation.objects.filter(donor=OuterRef("pk"))))
                .values_list("pk", flat=True)
            )
            if not donor_ids:
                return []
    raise InvitationError("Could not create unique join codes; try again.")


def _membership_kept(now: datetime.datetime) -> Q:
    """Q on invitations: the donor still belongs in the group (active or paused, or past_due briefly)."""
    grace_start = now - datetime.timedelta(days=past_due_grace_days())
    recurring = RecurringDonation.objects.filter(donor=OuterRef("donor_id")).order_by()
    return Q(
        Exists(
            recurring.filter(status__in=[RecurringDonation.Status.ACTIVE, RecurringDonation.Status.PAUSED])
        )
    ) | Q(
        Exists(recurring.filter(status=RecurringDonation.Status.PAST_DUE, status_changed_at__gte=grace_start))
    )


def _active_member_q(outer: str = "donor_id") -> Q:
    return Q(
        Exists(
            RecurringDonation.objects.filter(
                donor=OuterRef(outer), status=RecurringDonation.Status.ACTIVE
            ).order_by()
        )
    )


@dataclass
class SyncResult:
    added: int = 0
    withdrawn: int = 0
    removal_due: int = 0
    restored: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "added": self.added,
            "withdrawn": self.withdrawn,
            "removal_due": self.removal_due,
            "restored": self.restored,
        }


def invitations_sync_eligibility(
    *, donor_ids: Iterable[int] | None = None, now: datetime.datetime | None = None
) -> SyncResult:
    """Bring the queue in line with membership, set by set (a handful of queries, whatever the size).

    - active members without an invitation get one ("to invite");
    - members again whose invitation was withdrawn or removed because membership ended go back to
      "to invite"; those marked "to remove" who resumed go back to "joined";
    - when membership ends (no active or paused gift, past_due beyond the grace period), invitations
      not yet answered are withdrawn (expired) and joined ones become "to remove".
    Donors added by hand are never touched by membership.
    """
    now = now or timezone.now()
    result = SyncResult()
    donors = Donor.objects.filter(erased_at__isnull=True).members()
    invitations = Invitation.objects.all()
    if donor_ids is not None:
        donor_ids = list(donor_ids)
        donors = donors.filter(pk__in=donor_ids)
        invitations = invitations.filter(donor_id__in=donor_ids)

    new_donor_ids = list(
        donors.exclude(Exists(Invitation.objects.filter(donor=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    result.added = len(_create_invitations(new_donor_ids, note="Became a monthly member", now=now))

    automatic = invitations.filter(manual=False)
    member_again = automatic.filter(_active_member_q(), donor__erased_at__isnull=True)
    result.restored += len(
        _transition_many(
            member_again.filter(closed_reason=Reason.MEMBERSHIP_ENDED),
            to_status=Status.ELIGIBLE,
            allowed_from=[Status.EXPIRED, Status.REMOVED],
            note="Became a monthly member again",
            now=now,
            extra={"closed_reason": "", "invited_at": None, "reminded_at": None, "removed_at": None},
        )
    )
    result.restored += len(
        _transition_many(
            member_again,
            to_status=Status.JOINED,
            allowed_from=[Status.REMOVAL_DUE],
            note="Monthly gift resumed before removal",
            now=now,
            extra={"removal_due_at": None},
        )
    )

    ended = automatic.exclude(_membership_kept(now)) | invitations.filter(donor__erased_at__isnull=False)
    result.withdrawn = len(
        _transition_many(
            ended,
            to_status=Status.EXPIRED,
            allowed_from=Invitation.AWAITING,
            note="Membership ended",
            now=now,
            extra={"closed_reason": Reason.MEMBERSHIP_ENDED},
        )
    )
    result.removal_due = len(
        _transition_many(
            ended,
            to_status=Status.REMOVAL_DUE,
            allowed_from=[Status.JOINED],
            note="Membership ended",
            now=now,
            extra={"closed_reason": Reason.MEMBERSHIP_ENDED},
        )
    )
    return result


def invitation_add_manually(*, donor: Donor, user=None, note: str = "") -> FacebookGroupInvitation:
    """A partner or board member a fundraiser adds by hand: eligible whatever their giving."""
    if donor.erased_at:
        raise InvitationError(gettext("An erased donor cannot be invited."))
    existing = Invitation.objects.filter(donor=donor).first()
    if existing is None:
        _create_invitations(
            [donor.pk], manual=True, user=user, note=note or "Added by hand", now=timezone.now()
        )
        return Invitation.objects.get(donor=donor)
    Invitation.objects.filter(pk=existing.pk).update(manual=True)
    existing.refresh_from_db()
    if existing.status in BULK_MARKS["eligible"][1]:
        return invitation_return_to_queue(invitation=existing, user=user, note=note or "Added by hand")
    return existing
