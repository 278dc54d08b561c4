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
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from crm.invitation_counts import invitation_status_counts_changed
from crm.models import Donor, RecurringDonation
from crm.models.invitations import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    JOIN_CODE_PREFIX,
    FacebookGroupInvitation,
    FacebookGroupInvitationEvent,
    FacebookGroupSettings,
    new_join_code,
)
from crm.querysets import fold_romaji, normalise_text

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


# --- eligibility -------------------------------------------------------------------------------------


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


# --- sending -----------------------------------------------------------------------------------------


def _claim(invitation_id: int, *, allowed_from: Iterable[str], extra: Q | None = None, now) -> bool:
    free = Q(send_claimed_at__isnull=True) | Q(send_claimed_at__lt=now - CLAIM_TIMEOUT)
    qs = Invitation.objects.filter(free, pk=invitation_id, status__in=list(allowed_from))
    if extra is not None:
        qs = qs.filter(extra)
    return qs.update(send_claimed_at=now) == 1


def _render(
    invitation: FacebookGroupInvitation, *, texts: FacebookGroupSettings, reminder: bool
) -> tuple[str, str]:
    donor = invitation.donor
    subject, body = texts.texts(language=donor.preferred_language, reminder=reminder)
    values = {
        "name": donor.display_name if (donor.family_name or donor.given_name) else donor.email or "",
        "join_code": invitation.join_code,
        "group_url": texts.group_url,
    }
    # Editors write these texts: an unknown {placeholder} is left as typed instead of failing the send.
    fill = _SafeDict(values)
    return subject.format_map(fill), body.format_map(fill)


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _send_email(invitation: FacebookGroupInvitation, *, reminder: bool) -> None:
    if not invitation.donor.email:
        raise InvitationError(gettext("The donor has no email address."))
    texts = FacebookGroupSettings.load()
    if not texts.group_url:
        raise InvitationError(gettext("The Facebook group link is not set (Settings → Facebook group)."))
    subject, body = _render(invitation, texts=texts, reminder=reminder)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.donor.email], fail_silently=False)


@dataclass
class SendResult:
    sent: bool
    error: str = ""


def _send_then_mark(
    invitation: FacebookGroupInvitation,
    *,
    to_status: str,
    allowed_from: Iterable[str],
    reminder: bool,
    user=None,
    claim_filter: Q | None = None,
    now: datetime.datetime | None = None,
) -> SendResult:
    now = now or timezone.now()
    allowed_from = list(allowed_from)
    if not _claim(invitation.pk, allowed_from=allowed_from, extra=claim_filter, now=now):
        invitation.refresh_from_db()
        return SendResult(False, "not in a state to send, or being sent by someone else")
    invitation = Invitation.objects.select_related("donor").get(pk=invitation.pk)
    try:
        _send_email(invitation, reminder=reminder)
    except Exception as error:  # any mail failure is shown to staff, never raised
        message = f"{type(error).__name__}: {error}" if not isinstance(error, InvitationError) else str(error)
        logger.warning("Facebook-group email to invitation %s failed: %s", invitation.pk, message)
        Invitation.objects.filter(pk=invitation.pk).update(
            send_claimed_at=None, last_error=message[:2000], updated_at=now
        )
        log(
            instance=invitation.donor,
            action="crm.facebook_group.send_failed",
            user=user,
            data={"error": message[:500]},
        )
        return SendResult(False, message)
    # Sent: now, and only now, the invitation is marked.
    with transaction.atomic():
        changed = Invitation.objects.filter(pk=invitation.pk, status__in=allowed_from).update(
            **_timestamp_fields(to_status, now), send_claimed_at=None, last_error=""
        )
        if changed:
            _record(
                [(invitation.pk, invitation.donor_id, invitation.status)],
                to_status=to_status,
                user=user,
                now=now,
            )
        else:
            Invitation.objects.filter(pk=invitation.pk).update(send_claimed_at=None)
    return SendResult(True)


def invitation_send(*, invitation: FacebookGroupInvitation, user=None) -> SendResult:
    """Email the group link and join code in the donor's language, then mark the invitation invited.

    On failure the invitation keeps its status and shows the error in ``last_error``.
    """
    result = _send_then_mark(
        invitation, to_status=Status.INVITED, allowed_from=[Status.ELIGIBLE], reminder=False, user=user
    )
    invitation.refresh_from_db()
    return result


def invitations_send_many(*, invitation_ids: Iterable[int], user=None) -> BulkResult:
    result = BulkResult()
    for invitation in Invitation.objects.filter(pk__in=set(invitation_ids)).order_by("pk"):
        if invitation.status != Status.ELIGIBLE:
            result.skipped.append(invitation.pk)
            continue
        outcome = invitation_send(invitation=invitation, user=user)
        if outcome.sent:
            result.changed.append(invitation.pk)
        else:
            result.failed[invitation.pk] = outcome.error
    return result


# --- reminders and expiry ----------------------------------------------------------------------------


@dataclass
class ReminderResult:
    reminded: int = 0
    failed: int = 0
    expired: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"reminded": self.reminded, "failed": self.failed, "expired": self.expired}


def invitations_remind_and_expire(*, now: datetime.datetime | None = None) -> ReminderResult:
    """One reminder after N days without an answer; expiry after M days. Safe to run any number of times."""
    now = now or timezone.now()
    result = ReminderResult()
    expire_before = now - datetime.timedelta(days=expire_after_days())
    remind_before = now - datetime.timedelta(days=remind_after_days())
    result.expired = len(
        _transition_many(
            Invitation.objects.filter(invited_at__lte=expire_before),
            to_status=Status.EXPIRED,
            allowed_from=[Status.INVITED, Status.REMINDED],
            note="No answer",
            now=now,
            extra={"closed_reason": Reason.NO_ANSWER},
        )
    )
    due = Q(reminded_at__isnull=True, invited_at__lte=remind_before, invited_at__gt=expire_before)
    for invitation in Invitation.objects.filter(due, status=Status.INVITED).order_by("invited_at", "pk"):
        outcome = _send_then_mark(
            invitation,
            to_status=Status.REMINDED,
            allowed_from=[Status.INVITED],
            reminder=True,
            claim_filter=due,
            now=now,
        )
        if outcome.sent:
            result.reminded += 1
        elif (
            invitation.status == Status.INVITED
            and Invitation.objects.filter(pk=invitation.pk, last_error__gt="").exists()
        ):
            result.failed += 1
    return result


def invitations_run_schedule(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """What the scheduled task does: sync eligibility, then reminders and expiry."""
    now = now or timezone.now()
    return {
        **invitations_sync_eligibility(now=now).as_dict(),
        **invitations_remind_and_expire(now=now).as_dict(),
    }


# --- paste-to-match ----------------------------------------------------------------------------------

_CODE_CHARS = JOIN_CODE_ALPHABET + "01IOL"  # read what people type, then fold look-alikes
_CODE_RE = re.compile(
    rf"(?<![A-Z0-9]){JOIN_CODE_PREFIX[:-1]}[\s\-_‐−ー－]?([{_CODE_CHARS}]{{{JOIN_CODE_LENGTH}}})(?![A-Z0-9])"
)
_LOOKALIKES = str.maketrans({"0": "Q", "O": "Q", "1": "J", "I": "J", "L": "J"})
_PUNCTUATION = re.compile(r"[\s\-_.,:;!?・、。/|\"'()（）「」\[\]<>＜＞]+")


class MatchOutcome:
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    AMBIGUOUS = "ambiguous"
    DUPLICATE = "duplicate"
    NOT_AWAITING = "not_awaiting"
    CONFLICT = "conflict"
    BLANK = "blank"


@dataclass
class MatchLine:
    number: int
    text: str
    outcome: str
    invitation: FacebookGroupInvitation | None = None
    candidates: list[FacebookGroupInvitation] = field(default_factory=list)
    detail: str = ""

    @property
    def matched(self) -> bool:
        return self.outcome == MatchOutcome.MATCHED


def _find_code(text: str) -> tuple[str | None, str]:
    """The join code in a line (any case, full-width, with or without the dash) and the rest of it."""
    upper = unicodedata.normalize("NFKC", text).upper()
    found = _CODE_RE.search(upper)
    if not found:
        return None, text
    # Codes never contain 0/O/1/I/L; a typed look-alike is folded only if the code then exists.
    raw = found.group(1)
    rest = (upper[: found.start()] + " " + upper[found.end() :]).strip()
    return JOIN_CODE_PREFIX + raw, rest


def _name_keys(text: str) -> list[str]:
    """The ways the donor's search_text may hold this name exactly (see crm.querysets.search_haystack)."""
    norm = normalise_text(_PUNCTUATION.sub(" ", text)).strip()
    if not norm:
        return []
    words = norm.split(" ")
    keys = {norm, "".join(words), " ".join(reversed(words)), "".join(reversed(words))}
    if norm.isascii():
        keys |= {fold_romaji(k) for k in list(keys)}
    return sorted(k for k in keys if k)


def _exact_piece(key: str) -> Q:
    sep = " | "
    return (
        Q(search_text=key)
        | Q(search_text__startswith=key + sep)
        | Q(search_text__endswith=sep + key)
        | Q(search_text__contains=sep + key + sep)
    )


def _by_name(text: str) -> list[FacebookGroupInvitation]:
    keys = _name_keys(text)
    if not keys:
        return []
    condition = Q()
    for key in keys:
        condition |= _exact_piece(key)
    donors = Donor.objects.filter(condition, erased_at__isnull=True)
    return list(Invitation.objects.filter(donor__in=donors).select_related("donor").order_by("pk")[:10])


def invitations_match_paste(*, text: str) -> list[MatchLine]:
    """Match each pasted line (a name or a join code from a Facebook join request) to an invitation.

    By join code first, then by exact name (kanji, kana or romaji). Every non-blank line is reported:
    matched, unmatched, ambiguous, duplicate, not awaiting an answer, or a code and a name that
    belong to different donors.
    """
    lines: list[MatchLine] = []
    seen: dict[int, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        code, rest = _find_code(line)
        invitation = None
        if code:
            invitation = Invitation.objects.select_related("donor").filter(join_code=code).first()
            if invitation is None:
                folded = code[: len(JOIN_CODE_PREFIX)] + code[len(JOIN_CODE_PREFIX) :].translate(_LOOKALIKES)
                invitation = Invitation.objects.select_related("donor").filter(join_code=folded).first()
            if invitation is None:
                lines.append(
                    MatchLine(
                        number,
                        line,
                        MatchOutcome.UNMATCHED,
                        detail=gettext("No invitation has the code %(code)s.") % {"code": code},
                    )
                )
                continue
            named = _by_name(rest) if _PUNCTUATION.sub("", rest) else []
            if named and invitation.pk not in {i.pk for i in named}:
                lines.append(
                    MatchLine(
                        number,
                        line,
                        MatchOutcome.CONFLICT,
                        invitation=invitation,
                        candidates=named,
                        detail=gettext("The code %(code)s belongs to %(donor)s, the name to another donor.")
                        % {"code": code, "donor": invitation.donor.display_name},
                    )
                )
                continue
        else:
            found = _by_name(line)
            if not found:
                lines.append(
                    MatchLine(
                        number,
                        line,
                        MatchOutcome.UNMATCHED,
                        detail=gettext("No donor with this exact name or code."),
                    )
                )
                continue
            awaiting = [i for i in found if i.is_awaiting]
            if len(found) > 1 and len(awaiting) != 1:
                lines.append(
                    MatchLine(
                        number,
                        line,
                        MatchOutcome.AMBIGUOUS,
                        candidates=found,
                        detail=gettext("Several donors have this name: ask for the join code."),
                    )
                )
                continue
            invitation = awaiting[0] if awaiting else found[0]
        if invitation.pk in seen:
            lines.append(
                MatchLine(
                    number,
                    line,
                    MatchOutcome.DUPLICATE,
                    invitation=invitation,
                    detail=gettext("Same donor as line %(line)s.") % {"line": seen[invitation.pk]},
                )
            )
            continue
        seen[invitation.pk] = number
        if not invitation.is_awaiting and invitation.status != Status.EXPIRED:
            lines.append(
                MatchLine(
                    number,
                    line,
                    MatchOutcome.NOT_AWAITING,
                    invitation=invitation,
                    detail=gettext("This invitation is %(status)s.")
                    % {"status": invitation.get_status_display().lower()},
                )
            )
            continue
        lines.append(MatchLine(number, line, MatchOutcome.MATCHED, invitation=invitation))
    return lines
