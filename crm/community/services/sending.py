"""Sending invitations and reminders: the email goes out first, outside any transaction, then the
invitation is marked; a claim column keeps two workers from sending the same email at once."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.log_actions import log

from crm.community.models import (
    FacebookGroupInvitation,
    FacebookGroupSettings,
)
from crm.community.services.eligibility import invitations_sync_eligibility
from crm.community.services.invitations import (
    CLAIM_TIMEOUT,
    BulkResult,
    Invitation,
    InvitationError,
    Reason,
    Status,
    _record,
    _timestamp_fields,
    _transition_many,
    expire_after_days,
    remind_after_days,
)

logger = logging.getLogger(__name__)


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
