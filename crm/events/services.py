"""Writes with a business meaning for events: invite, answer, waiting list, cancel, remind, check in.

Answers lock the event row, so two donors answering "yes" for the last seat at the same moment
cannot both get it. Emails are announced (crm.events.signals, queued by a receiver) once the transaction has committed, and
each is recorded in EventEmail before it goes out, so it goes out at most once.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from crm.donors.models import Donor, normalise_email
from crm.events.models import Event, EventEmail, EventInvitation
from crm.events.selectors import events_starting_on, seats_taken
from crm.events.signals import event_email_due
from crm.interactions.models import Interaction

logger = logging.getLogger(__name__)

Answer = EventInvitation.Answer
EmailKind = EventEmail.Kind


class EventError(ValueError):
    """Something asked of an event that cannot be done; the message is shown to the person."""


class EventLinkError(EventError):
    """A personal answer link that is forged, for another event, or past its event."""


# --- personal links ------------------------------------------------------------------------------------

LINK_SALT = "crm.events.answer"


def answer_token(invitation: EventInvitation) -> str:
    """A signed token naming the invitation: the donor's personal answer link, no login needed."""
    return signing.dumps({"i": invitation.pk, "e": invitation.event_id}, salt=LINK_SALT, compress=True)


def answer_url(invitation: EventInvitation) -> str:
    path = reverse("crm_event_answer", kwargs={"token": answer_token(invitation)})
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def invitation_from_token(token: str, *, now: datetime.datetime | None = None) -> EventInvitation:
    """The invitation a link names, while its event has not ended."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        raise EventLinkError(_("This link is not valid.")) from None
    invitation = (
        EventInvitation.objects.select_related("event", "donor")
        .filter(pk=data.get("i"), event_id=data.get("e"))
        .first()
    )
    if invitation is None or invitation.donor.erased_at:
        raise EventLinkError(_("This link is not valid."))
    if (now or timezone.now()) > invitation.event.answers_close_at:
        raise EventLinkError(_("This event is over; its link has expired."))
    return invitation


# --- invitations ---------------------------------------------------------------------------------------


def _enqueue_email(invitation_id: int, kind: str) -> None:
    transaction.on_commit(
        lambda: event_email_due.send(sender=EventInvitation, invitation_id=invitation_id, kind=kind)
    )


def audience_donors(event: Event):
    """Who the event's audience segment names now, with an email address, alive and not erased."""
    if event.audience_id is None:
        return Donor.objects.none()
    return event.audience.donors().filter(email__isnull=False, deceased_on__isnull=True)


@dataclass
class InviteResult:
    invited: int
    already: int


@transaction.atomic
def event_invite(*, event: Event, user=None, now: datetime.datetime | None = None) -> InviteResult:
    """Invite the audience: one invitation per donor (never two), each emailed in their language."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise EventError(_("The event is cancelled."))
    if now > event.answers_close_at:
        raise EventError(_("The event is over."))
    donor_ids = set(audience_donors(event).values_list("pk", flat=True))
    existing = set(EventInvitation.objects.filter(event=event).values_list("donor_id", flat=True))
    new = sorted(donor_ids - existing)
    EventInvitation.objects.bulk_create(
        [EventInvitation(event=event, donor_id=donor_id, created_at=now) for donor_id in new],
        ignore_conflicts=True,
    )
    for invitation_id in EventInvitation.objects.filter(event=event, donor_id__in=new).values_list(
        "pk", flat=True
    ):
        _enqueue_email(invitation_id, EmailKind.INVITATION)
    if event.status == Event.Status.DRAFT:
        event.status = Event.Status.OPEN
        event.save(update_fields=["status"])
    return InviteResult(invited=len(new), already=len(donor_ids & existing))


# --- answers -------------------------------------------------------------------------------------------


def _promote_waiting(event: Event, *, now: datetime.datetime) -> list[EventInvitation]:
    """Move waiting donors up, first come first served, while the first one's party fits."""
    promoted = []
    if event.capacity is None:
        waiting = list(EventInvitation.objects.filter(event=event, answer=Answer.WAITING))
    else:
        waiting = []
        free = event.capacity - seats_taken(event)
        for invitation in EventInvitation.objects.filter(event=event, answer=Answer.WAITING).order_by(
            "waitlisted_at", "pk"
        ):
            if invitation.seats > free:
                break
            free -= invitation.seats
            waiting.append(invitation)
    for invitation in waiting:
        invitation.answer = Answer.YES
        invitation.save(update_fields=["answer"])
        _enqueue_email(invitation.pk, EmailKind.PROMOTED)
        promoted.append(invitation)
    return promoted


@dataclass
class AnswerResult:
    invitation: EventInvitation
    waitlisted: bool
    promoted: list[EventInvitation]


@transaction.atomic
def event_answer(
    *, invitation: EventInvitation, answer: str, guests: int = 0, now: datetime.datetime | None = None
) -> AnswerResult:
    """Record a donor's answer. A "yes" that does not fit puts them on the waiting list instead."""
    now = now or timezone.now()
    if answer not in (Answer.YES, Answer.NO, Answer.MAYBE):
        raise EventError(_("Answer yes, no or maybe."))
    event = Event.objects.select_for_update().get(pk=invitation.event_id)
    if event.is_cancelled:
        raise EventError(_("The event is cancelled."))
    invitation = EventInvitation.objects.select_for_update().get(pk=invitation.pk)
    guests = max(0, min(int(guests or 0), event.max_guests)) if answer == Answer.YES else 0
    was_yes = invitation.answer == Answer.YES
    waitlisted = False
    if answer == Answer.YES:
        others = seats_taken(event) - (invitation.seats if was_yes else 0)
        fits = event.capacity is None or others + 1 + guests <= event.capacity
        # Someone already waiting keeps their place in the queue; a new "yes" does not jump it.
        queue_ahead = (
            not was_yes
            and EventInvitation.objects.filter(event=event, answer=Answer.WAITING)
            .exclude(pk=invitation.pk)
            .exists()
        )
        if fits and not queue_ahead:
            invitation.answer = Answer.YES
            invitation.waitlisted_at = None
        else:
            waitlisted = True
            if invitation.answer != Answer.WAITING:
                invitation.waitlisted_at = now
            invitation.answer = Answer.WAITING
    else:
        invitation.answer = answer
        invitation.waitlisted_at = None
    invitation.guests = guests
    invitation.answered_at = now
    invitation.save(update_fields=["answer", "guests", "answered_at", "waitlisted_at"])
    promoted = _promote_waiting(event, now=now) if (was_yes or waitlisted) else []
    invitation.refresh_from_db()
    return AnswerResult(
        invitation=invitation, waitlisted=invitation.answer == Answer.WAITING, promoted=promoted
    )


@transaction.atomic
def event_register_public(
    *,
    event: Event,
    email: str,
    family_name: str,
    given_name: str,
    language: str,
    guests: int = 0,
    now: datetime.datetime | None = None,
) -> AnswerResult:
    """A visitor registers for an open event: found by email, or added as a new donor."""
    if not event.is_open:
        raise EventError(_("This event is for members only."))
    address = normalise_email(email)
    if not address:
        raise EventError(_("Enter an email address."))
    donor = Donor.objects.filter(email=address).first()
    if donor is None:
        donor = Donor.objects.create(
            email=address,
            family_name=family_name.strip(),
            given_name=given_name.strip(),
            preferred_language=language if language in Donor.Language.values else Donor.Language.JA,
            source=Donor.Source.SITE,
        )
    invitation, _created = EventInvitation.objects.get_or_create(event=event, donor=donor)
    result = event_answer(invitation=invitation, answer=Answer.YES, guests=guests, now=now)
    _enqueue_email(invitation.pk, EmailKind.CONFIRMATION)
    if event.status == Event.Status.DRAFT:
        Event.objects.filter(pk=event.pk).update(status=Event.Status.OPEN)
    return result


@transaction.atomic
def event_cancel(*, event: Event, user=None, now: datetime.datetime | None = None) -> int:
    """Cancel the event and tell everyone who said yes (and the waiting list). Returns how many."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise EventError(_("The event is already cancelled."))
    event.status = Event.Status.CANCELLED
    event.cancelled_at = now
    event.save(update_fields=["status", "cancelled_at"])
    told = EventInvitation.objects.filter(event=event, answer__in=[Answer.YES, Answer.WAITING])
    ids = list(told.values_list("pk", flat=True))
    for invitation_id in ids:
        _enqueue_email(invitation_id, EmailKind.CANCELLED)
    return len(ids)


def event_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Queue the day-before reminder for every "yes" to tomorrow's events (Japan time). Safe to rerun."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    queued = 0
    with transaction.atomic():
        for invitation_id in (
            EventInvitation.objects.filter(event__in=events_starting_on(tomorrow), answer=Answer.YES)
            .exclude(emails__kind=EmailKind.REMINDER)
            .values_list("pk", flat=True)
        ):
            _enqueue_email(invitation_id, EmailKind.REMINDER)
            queued += 1
    return queued


# --- check-in ------------------------------------------------------------------------------------------


def _attendance_summary(event: Event) -> str:
    return (_("Attended: %(title)s") % {"title": event.title})[:255]


@transaction.atomic
def event_check_in(*, invitation: EventInvitation, user=None, now: datetime.datetime | None = None) -> bool:
    """Tick a donor at the door; attendance goes on their timeline. False if already ticked."""
    now = now or timezone.now()
    changed = EventInvitation.objects.filter(pk=invitation.pk, checked_in_at__isnull=True).update(
        checked_in_at=now, checked_in_by=user
    )
    if not changed:
        return False
    invitation = EventInvitation.objects.select_related("event").get(pk=invitation.pk)
    Interaction.objects.create(
        donor_id=invitation.donor_id,
        kind=Interaction.Kind.EVENT,
        happened_at=now,
        summary=_attendance_summary(invitation.event),
        body=_("Event #%(id)s") % {"id": invitation.event_id},
        staff_user=user,
    )
    return True


@transaction.atomic
def event_check_in_undo(*, invitation: EventInvitation) -> bool:
    """Untick a donor ticked by mistake, and take the attendance off their timeline."""
    invitation = EventInvitation.objects.select_for_update().select_related("event").get(pk=invitation.pk)
    if invitation.checked_in_at is None:
        return False
    Interaction.objects.filter(
        donor_id=invitation.donor_id,
        kind=Interaction.Kind.EVENT,
        happened_at=invitation.checked_in_at,
        body=_("Event #%(id)s") % {"id": invitation.event_id},
    ).delete()
    invitation.checked_in_at = None
    invitation.checked_in_by = None
    invitation.save(update_fields=["checked_in_at", "checked_in_by"])
    return True


# --- emails --------------------------------------------------------------------------------------------


def _when(event: Event) -> str:
    starts = timezone.localtime(event.starts_at)
    text = formats.date_format(starts, "DATETIME_FORMAT")
    if event.ends_at:
        text += " – " + formats.time_format(timezone.localtime(event.ends_at), "TIME_FORMAT")
    return text + " " + _("(Japan time)")


def render_event_email(invitation: EventInvitation, kind: str) -> tuple[str, str]:
    """Subject and body in the donor's language (the .po catalogs hold the Japanese)."""
    event, donor = invitation.event, invitation.donor
    language = donor.preferred_language if donor.preferred_language in ("ja", "en") else "ja"
    with translation.override(language):
        title = event.title_for(language)
        name = donor.display_name if (donor.family_name or donor.given_name) else donor.email or ""
        intro = {
            EmailKind.INVITATION: _("You are invited to “%(title)s”, an event for WELgee’s supporters."),
            EmailKind.CONFIRMATION: _("Thank you for registering for “%(title)s”."),
            EmailKind.REMINDER: _("A reminder: “%(title)s” is tomorrow. We look forward to seeing you."),
            EmailKind.PROMOTED: _("A place has become free at “%(title)s”: you are now registered."),
            EmailKind.CANCELLED: _("We are sorry: “%(title)s” has been cancelled."),
        }[kind] % {"title": title}
        subject = {
            EmailKind.INVITATION: _("Invitation: %(title)s"),
            EmailKind.CONFIRMATION: _("Registered: %(title)s"),
            EmailKind.REMINDER: _("Tomorrow: %(title)s"),
            EmailKind.PROMOTED: _("You have a place: %(title)s"),
            EmailKind.CANCELLED: _("Cancelled: %(title)s"),
        }[kind] % {"title": title}
        lines = [_("Dear %(name)s,") % {"name": name}, "", intro, ""]
        lines.append(_("When: %(when)s") % {"when": _when(event)})
        if event.place_for(language):
            lines.append(_("Where: %(place)s") % {"place": event.place_for(language)})
        if event.online_url and kind != EmailKind.CANCELLED:
            lines.append(_("Online: %(url)s") % {"url": event.online_url})
        if kind != EmailKind.CANCELLED:
            description = event.description_for(language)
            if description and kind == EmailKind.INVITATION:
                lines += ["", description]
            lines += [
                "",
                _("Answer or change your answer (yes, no, maybe, guests) with your personal link:"),
                answer_url(invitation),
            ]
        lines += ["", "WELgee"]
    return subject, "\n".join(lines)


def event_email_send(*, invitation_id: int, kind: str, now: datetime.datetime | None = None) -> bool:
    """Send one email about an event, at most once: the record is written (and committed) first."""
    now = now or timezone.now()
    invitation = EventInvitation.objects.select_related("event", "donor").filter(pk=invitation_id).first()
    if invitation is None or not invitation.donor.email or invitation.donor.erased_at:
        return False
    if invitation.event.is_cancelled and kind != EmailKind.CANCELLED:
        return False
    try:
        with transaction.atomic():
            record = EventEmail.objects.create(invitation=invitation, kind=kind, created_at=now)
    except IntegrityError:
        return False  # already sent, or being sent by another worker
    subject, body = render_event_email(invitation, kind)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.donor.email], fail_silently=False)
    except Exception as error:  # the mail was not accepted: free the record so a retry may send it
        logger.warning("Event email %s to invitation %s failed: %s", kind, invitation_id, error)
        record.delete()
        raise
    EventEmail.objects.filter(pk=record.pk).update(sent_at=timezone.now())
    return True


@transaction.atomic
def event_promote_waiting(*, event: Event, now: datetime.datetime | None = None) -> list[EventInvitation]:
    """After staff add seats: move waiting donors up while their parties fit."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        return []
    return _promote_waiting(event, now=now or timezone.now())
