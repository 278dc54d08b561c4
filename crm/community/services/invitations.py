"""The Facebook-group invitation workflow: eligibility, sending, answers, reminders, removal.

Every status change goes through a conditional UPDATE (`WHERE status IN (...)`), so two staff
members clicking at once, or a scheduled run overlapping another, change an invitation once. Each
change leaves an event (the donor's timeline) and an audit-log entry on the donor.

Emails are sent outside any transaction, before the invitation is marked: an invitation is never
marked invited (or reminded) unless its email went out. A claim column keeps two workers from
sending the same email at the same time.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop
from wagtail.models import ModelLogEntry

from crm.community.models import (
    FacebookGroupInvitation,
    FacebookGroupInvitationEvent,
)
from crm.community.selectors import invitation_status_counts_changed
from crm.donors.models import Donor

logger = logging.getLogger(__name__)

Invitation = FacebookGroupInvitation
Status = FacebookGroupInvitation.Status
Reason = FacebookGroupInvitation.ClosedReason

#: A claim older than this belongs to a worker that died mid-send; another may take over.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)

LOG_ACTIONS: dict[str, tuple[str, str]] = {
    # action: (label, past-tense message for the timeline); translated where the actions are registered
    "crm.facebook_group.eligible": (
        gettext_noop("Facebook group: to invite"),
        gettext_noop("Added to the Facebook-group invitation queue"),
    ),
    "crm.facebook_group.invited": (
        gettext_noop("Facebook group: invited"),
        gettext_noop("Sent the Facebook-group invitation"),
    ),
    "crm.facebook_group.reminded": (
        gettext_noop("Facebook group: reminded"),
        gettext_noop("Sent the Facebook-group reminder"),
    ),
    "crm.facebook_group.joined": (
        gettext_noop("Facebook group: joined"),
        gettext_noop("Joined the Facebook group"),
    ),
    "crm.facebook_group.declined": (
        gettext_noop("Facebook group: declined"),
        gettext_noop("Declined the Facebook-group invitation"),
    ),
    "crm.facebook_group.expired": (
        gettext_noop("Facebook group: expired"),
        gettext_noop("Facebook-group invitation expired or withdrawn"),
    ),
    "crm.facebook_group.removal_due": (
        gettext_noop("Facebook group: to remove"),
        gettext_noop("Membership ended: to remove from the group"),
    ),
    "crm.facebook_group.removed": (
        gettext_noop("Facebook group: removed"),
        gettext_noop("Removed from the Facebook group"),
    ),
    "crm.facebook_group.send_failed": (
        gettext_noop("Facebook group: email failed"),
        gettext_noop("A Facebook-group email could not be sent"),
    ),
}


class InvitationError(Exception):
    """A workflow step that does not apply to the invitation as it is now; the message is for staff."""


def remind_after_days() -> int:
    return int(getattr(settings, "FACEBOOK_GROUP_REMIND_AFTER_DAYS", 7))


def expire_after_days() -> int:
    return int(getattr(settings, "FACEBOOK_GROUP_EXPIRE_AFTER_DAYS", 30))


def past_due_grace_days() -> int:
    """How long a failed monthly payment may stay unpaid before the donor leaves the group."""
    return int(getattr(settings, "FACEBOOK_GROUP_PAST_DUE_GRACE_DAYS", 30))


# --- transitions -------------------------------------------------------------------------------------


def _timestamp_fields(to_status: str, now: datetime.datetime) -> dict:
    stamp = {
        Status.INVITED: "invited_at",
        Status.REMINDED: "reminded_at",
        Status.JOINED: "joined_at",
        Status.REMOVAL_DUE: "removal_due_at",
        Status.REMOVED: "removed_at",
    }.get(to_status)
    fields: dict = {"status": to_status, "status_changed_at": now, "updated_at": now}
    if stamp:
        fields[stamp] = now
    return fields


def _record(
    rows: list[tuple[int, int, str]],
    *,
    to_status: str,
    user=None,
    note: str = "",
    now: datetime.datetime,
) -> None:
    """Events and audit-log entries for changed invitations: rows of (invitation id, donor id, from)."""
    if not rows:
        return
    invitation_status_counts_changed()  # the CRM menu's cached queue counts
    FacebookGroupInvitationEvent.objects.bulk_create(
        [
            FacebookGroupInvitationEvent(
                invitation_id=pk,
                from_status=from_status,
                to_status=to_status,
                at=now,
                by_user=user,
                note=note,
            )
            for pk, _donor_id, from_status in rows
        ]
    )
    _audit(
        [donor_id for _pk, donor_id, _f in rows],
        action=f"crm.facebook_group.{to_status}",
        user=user,
        data={"note": note} if note else {},
        now=now,
    )


def _audit(donor_ids: list[int], *, action: str, user=None, data: dict, now: datetime.datetime) -> None:
    """Audit-log entries on the donors, in one insert: they then show in each donor's timeline."""
    content_type = ContentType.objects.get_for_model(Donor)
    batch = uuid.uuid4()
    donors = Donor.objects.filter(pk__in=donor_ids).only(
        "pk", "family_name", "given_name", "email", "erased_at"
    )
    labels = {donor.pk: str(donor) for donor in donors}
    ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type=content_type,
                object_id=str(pk),
                label=label,
                action=action,
                data=data,
                timestamp=now,
                uuid=batch,
                user=user if user is not None and user.is_authenticated else None,
            )
            for pk, label in labels.items()
        ]
    )


def _transition_many(
    queryset: QuerySet,
    *,
    to_status: str,
    allowed_from: Iterable[str],
    user=None,
    note: str = "",
    now: datetime.datetime | None = None,
    extra: dict | None = None,
) -> list[int]:
    """Move every invitation of ``queryset`` that is in ``allowed_from``; returns the ids moved."""
    now = now or timezone.now()
    allowed_from = list(allowed_from)
    with transaction.atomic():
        rows = list(
            queryset.filter(status__in=allowed_from)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", "donor_id", "status")
        )
        if not rows:
            return []
        ids = [pk for pk, _d, _s in rows]
        # The status condition again: a row changed between the read and here (SQLite has no row lock) stays.
        changed = Invitation.objects.filter(pk__in=ids, status__in=allowed_from).update(
            **_timestamp_fields(to_status, now), **(extra or {})
        )
        if changed != len(ids):
            still = set(
                Invitation.objects.filter(pk__in=ids, status=to_status, status_changed_at=now).values_list(
                    "pk", flat=True
                )
            )
            rows = [r for r in rows if r[0] in still]
        _record(rows, to_status=to_status, user=user, note=note, now=now)
    return [pk for pk, _d, _s in rows]


def _transition_one(
    invitation: FacebookGroupInvitation,
    *,
    to_status: str,
    allowed_from: Iterable[str],
    user=None,
    note: str = "",
    extra=None,
) -> FacebookGroupInvitation:
    allowed_from = list(allowed_from)
    moved = _transition_many(
        Invitation.objects.filter(pk=invitation.pk),
        to_status=to_status,
        allowed_from=allowed_from,
        user=user,
        note=note,
        extra=extra,
    )
    invitation.refresh_from_db()
    if not moved:
        raise InvitationError(
            f"{invitation.join_code} is {invitation.get_status_display().lower()}; "
            f"it cannot become {Status(to_status).label.lower()} from there."
        )
    return invitation


def invitation_mark_joined(
    *, invitation: FacebookGroupInvitation, user=None, note: str = ""
) -> FacebookGroupInvitation:
    # An expired invitation may still be answered: the donor found the email late.
    return _transition_one(
        invitation,
        to_status=Status.JOINED,
        allowed_from=[*Invitation.AWAITING, Status.EXPIRED],
        user=user,
        note=note,
        extra={"closed_reason": "", "last_error": ""},
    )


def invitation_mark_declined(
    *, invitation: FacebookGroupInvitation, user=None, note: str = ""
) -> FacebookGroupInvitation:
    return _transition_one(
        invitation,
        to_status=Status.DECLINED,
        allowed_from=Invitation.AWAITING,
        user=user,
        note=note,
        extra={"closed_reason": Reason.STAFF},
    )


def invitation_mark_removed(
    *, invitation: FacebookGroupInvitation, user=None, note: str = ""
) -> FacebookGroupInvitation:
    return _transition_one(
        invitation, to_status=Status.REMOVED, allowed_from=[Status.REMOVAL_DUE], user=user, note=note
    )


BULK_MARKS: dict[str, tuple[str, tuple[str, ...], dict]] = {
    "joined": (
        Status.JOINED,
        (*Invitation.AWAITING, Status.EXPIRED),
        {"closed_reason": "", "last_error": ""},
    ),
    "declined": (Status.DECLINED, Invitation.AWAITING, {"closed_reason": Reason.STAFF}),
    "removed": (Status.REMOVED, (Status.REMOVAL_DUE,), {}),
    "eligible": (Status.ELIGIBLE, (Status.DECLINED, Status.EXPIRED, Status.REMOVED), {"closed_reason": ""}),
}


@dataclass
class BulkResult:
    changed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def invitations_mark_many(
    *, invitation_ids: Iterable[int], mark: str, user=None, note: str = ""
) -> BulkResult:
    """One click for many: those in a state the mark applies to change, the rest are reported skipped."""
    to_status, allowed_from, extra = BULK_MARKS[mark]
    ids = sorted(set(invitation_ids))
    changed = _transition_many(
        Invitation.objects.filter(pk__in=ids),
        to_status=to_status,
        allowed_from=allowed_from,
        user=user,
        note=note,
        extra=extra,
    )
    return BulkResult(changed=changed, skipped=[pk for pk in ids if pk not in set(changed)])


def invitation_return_to_queue(
    *, invitation: FacebookGroupInvitation, user=None, note: str = ""
) -> FacebookGroupInvitation:
    """A declined, expired or removed invitation goes back to "to invite" (a donor asked again)."""
    return _transition_one(
        invitation,
        to_status=Status.ELIGIBLE,
        allowed_from=BULK_MARKS["eligible"][1],
        user=user,
        note=note,
        extra={"closed_reason": "", "invited_at": None, "reminded_at": None},
    )
