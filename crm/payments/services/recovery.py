"""Failed renewals, recovered: when Stripe cannot charge a member's card, the donor is told (in their
language, with a link to update the card), reminded on day 3 and day 7 while Stripe retries, and the
recovery is closed when the invoice is paid or the membership ends.

Every email is recorded by a row written and committed *before* it is sent, under a unique
(failed payment, step) key: a replayed webhook, a second worker or one that crashed mid-way finds
the row and sends nothing. A crash between the row and the send loses that one email rather than
sending it twice (the next step still goes).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from crm.display import money
from crm.donors.models import Donor
from crm.giving.models import RecurringDonation
from crm.interactions.models import Interaction
from crm.payments.models import CardExpiryReminder, PaymentCard, PaymentRecovery, RecoveryEmail
from crm.payments.selectors import cards_expiring_reminders_due, recovery_followups_due
from crm.payments.services.emails import card_expiry_email, recovery_email
from crm.payments.services.portal import manage_gift_token_make
from crm.payments.signals import renewal_failed

logger = logging.getLogger(__name__)

Step = RecoveryEmail.Step
Open = PaymentRecovery.Status.OPEN


def _timeline(donor_id: int, summary: str, *, kind: str = Interaction.Kind.NOTE, when: dt.datetime) -> None:
    # Timeline entries are written in the site's language, like the receipts' ones.
    Interaction.objects.create(donor_id=donor_id, kind=kind, happened_at=when, summary=summary)


def card_update_url(*, donor: Donor) -> str:
    """The donor's one-time link to Stripe's Customer Portal, where they change their card."""
    with translation.override(donor.preferred_language or "ja"):
        path = reverse("manage_gift_open", args=[manage_gift_token_make(donor=donor, card_update=True)])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


# ---- what the webhooks record ---------------------------------------------------------------------


def recovery_failure_record(
    *, recurring: RecurringDonation, invoice: dict[str, Any], failed_at: dt.datetime
) -> PaymentRecovery:
    """A renewal's payment failed (invoice.payment_failed): one recovery per invoice, its attempts
    and Stripe's next retry kept up to date. Runs in the caller's transaction."""
    next_attempt = invoice.get("next_payment_attempt")
    next_retry_at = dt.datetime.fromtimestamp(next_attempt, tz=dt.UTC) if next_attempt else None
    recovery, created = PaymentRecovery.objects.select_for_update().get_or_create(
        invoice_id=invoice["id"],
        defaults={
            "recurring_donation": recurring,
            "donor_id": recurring.donor_id,
            "amount": int(invoice.get("amount_due") or recurring.amount),
            "currency": (invoice.get("currency") or recurring.currency).upper(),
            "failed_at": failed_at,
            "last_failed_at": failed_at,
            "attempt_count": int(invoice.get("attempt_count") or 1),
            "next_retry_at": next_retry_at,
        },
    )
    if created:
        with translation.override(settings.LANGUAGE_CODE):
            _timeline(
                recurring.donor_id,
                translation.gettext("Renewal payment of %(amount)s failed")
                % {"amount": money(recovery.amount, recovery.currency)},
                when=failed_at,
            )
        recovery_id = recovery.pk
        transaction.on_commit(lambda: renewal_failed.send(sender=PaymentRecovery, recovery_id=recovery_id))
    elif recovery.status == Open and failed_at > recovery.last_failed_at:
        # A later retry failed too; an older delivery (out of order) changes nothing.
        recovery.last_failed_at = failed_at
        recovery.attempt_count = max(recovery.attempt_count, int(invoice.get("attempt_count") or 1))
        recovery.next_retry_at = next_retry_at
        recovery.save(update_fields=["last_failed_at", "attempt_count", "next_retry_at"])
    return recovery


def recovery_paid_record(*, invoice_id: str, paid_at: dt.datetime) -> bool:
    """The failed invoice was paid after all (Stripe's retry or the donor's new card): recovered.
    Reminders stop, since they only go to open recoveries. Returns whether it changed."""
    recovery = PaymentRecovery.objects.select_for_update().filter(invoice_id=invoice_id).first()
    if recovery is None or recovery.status == PaymentRecovery.Status.RECOVERED:
        return False
    # Paid after the membership ended (the donor paid the open invoice anyway) still counts.
    recovery.status = PaymentRecovery.Status.RECOVERED
    recovery.closed_at = paid_at
    recovery.next_retry_at = None
    recovery.save(update_fields=["status", "closed_at", "next_retry_at"])
    with translation.override(settings.LANGUAGE_CODE):
        _timeline(
            recovery.donor_id,
            translation.gettext("Failed payment of %(amount)s recovered")
            % {"amount": money(recovery.amount, recovery.currency)},
            when=paid_at,
        )
    return True


def recoveries_lose(*, recurring: RecurringDonation, when: dt.datetime) -> int:
    """The membership ended with payments still failed: those recoveries are lost."""
    return PaymentRecovery.objects.filter(recurring_donation=recurring, status=Open).update(
        status=PaymentRecovery.Status.LOST, closed_at=when, next_retry_at=None
    )


def payment_card_record(
    *, customer_id: str, card: dict[str, Any], seen_at: dt.datetime
) -> PaymentCard | None:
    """Keep the brand, last four digits and expiry of a customer's card; an older event loses."""
    if not customer_id or not card.get("exp_month") or not card.get("exp_year"):
        return None
    values = {
        "brand": str(card.get("brand") or "")[:30],
        "last4": str(card.get("last4") or "")[:4],
        "exp_month": int(card["exp_month"]),
        "exp_year": int(card["exp_year"]),
        "seen_at": seen_at,
    }
    stored, created = PaymentCard.objects.select_for_update().get_or_create(
        customer_id=customer_id, defaults=values
    )
    if not created and seen_at >= stored.seen_at:
        for name, value in values.items():
            setattr(stored, name, value)
        stored.save(update_fields=list(values))
    return stored


# ---- the emails ---------------------------------------------------------------------------------


def recovery_email_send(*, recovery_id: int, step: str) -> str:
    """One step's email of a failed payment, at most once. Returns "sent", "failed" or why not."""
    recovery = (
        PaymentRecovery.objects.select_related("donor", "recurring_donation").filter(pk=recovery_id).first()
    )
    if recovery is None or recovery.status != Open:
        return "closed"
    donor = recovery.donor
    if not donor.email or donor.erased_at:
        return "no email"
    try:
        with transaction.atomic():
            email = RecoveryEmail.objects.create(recovery=recovery, step=step)
    except IntegrityError:  # this step has been sent (or is being sent) already
        return "already sent"
    subject, body = recovery_email(
        donor=donor,
        step=step,
        amount=recovery.amount,
        yearly=recovery.recurring_donation.interval == RecurringDonation.Interval.YEAR,
        next_retry_at=recovery.next_retry_at,
        url=card_update_url(donor=donor),
    )
    with translation.override(settings.LANGUAGE_CODE):
        summary = translation.gettext("Failed-payment email sent: %(step)s") % {
            "step": email.get_step_display()
        }
    error = _deliver(claim=email, donor=donor, subject=subject, body=body, summary=summary)
    if error:
        RecoveryEmail.objects.filter(pk=email.pk).update(error=error[:2000])
        return "failed"
    return "sent"


def _deliver(
    *, claim: RecoveryEmail | CardExpiryReminder, donor, subject: str, body: str, summary: str
) -> str:
    """Send an email whose row was claimed first (so it goes at most once); when the mail server takes
    it, mark the row sent and put `summary` on the donor's timeline. Returns "" or the server's refusal,
    which is recorded, not retried: a retry could send it twice."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [donor.email])
    except Exception as exc:  # the mail server's refusal, whatever its class
        logger.warning("%s %s not sent: %s", claim._meta.model_name, claim.pk, exc)
        return str(exc) or exc.__class__.__name__
    now = timezone.now()
    type(claim).objects.filter(pk=claim.pk).update(sent_at=now)
    _timeline(donor.pk, summary, kind=Interaction.Kind.EMAIL, when=now)
    return ""


def recovery_followups_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The reminders due now (day 3, day 7 after the failure) of every open recovery."""
    counts: dict[str, int] = {}
    for recovery_id, step in recovery_followups_due(now=now or timezone.now()):
        outcome = recovery_email_send(recovery_id=recovery_id, step=step)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def card_expiry_reminders_send(*, today: dt.date | None = None) -> int:
    """Members whose card expires at the end of this month or next: one reminder per card expiry."""
    sent = 0
    for card, donor in cards_expiring_reminders_due(today=today or timezone.localdate()):
        try:
            with transaction.atomic():
                reminder = CardExpiryReminder.objects.create(
                    customer_id=card.customer_id,
                    exp_month=card.exp_month,
                    exp_year=card.exp_year,
                    donor=donor,
                )
        except IntegrityError:
            continue
        subject, body = card_expiry_email(donor=donor, card=card, url=card_update_url(donor=donor))
        with translation.override(settings.LANGUAGE_CODE):
            summary = translation.gettext("Card expiry reminder sent (%(card)s)") % {"card": str(card)}
        if _deliver(claim=reminder, donor=donor, subject=subject, body=body, summary=summary):
            continue
        sent += 1
    return sent
