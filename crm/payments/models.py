"""What Stripe told us: every webhook event, stored once before we act on it, and the small
bookkeeping that makes acting on events idempotent and order-proof."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StripeEvent(models.Model):
    """One webhook event as Stripe sent it. The unique event id makes re-deliveries no-ops."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSED = "processed", _("Processed")
        FAILED = "failed", _("Failed")
        IGNORED = "ignored", _("Ignored")

    event_id = models.CharField(_("Stripe event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    payload = models.JSONField(_("payload"))
    created = models.DateTimeField(_("created at Stripe"))
    livemode = models.BooleanField(_("live"), default=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "received_at"], name="crm_stripe_event_status_idx")]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"

    @property
    def data_object(self) -> dict:
        return (self.payload.get("data") or {}).get("object") or {}


class StripeSubscriptionClock(models.Model):
    """The Stripe time of the newest event applied to a subscription.

    Stripe does not deliver events in order; an event older than this must not roll the membership
    back. Kept apart from RecurringDonation.status_changed_at, which records our own clock.
    """

    subscription_id = models.CharField(_("Stripe subscription id"), max_length=255, unique=True)
    applied_event_created = models.DateTimeField(_("newest applied event"))
    applied_event_id = models.CharField(_("newest applied event id"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("Stripe subscription clock")
        verbose_name_plural = _("Stripe subscription clocks")

    def __str__(self) -> str:
        return f"{self.subscription_id} @ {self.applied_event_created:%Y-%m-%d %H:%M:%S}"


class ManageGiftLinkUse(models.Model):
    """A "manage my monthly gift" link that has been used; the signed links are one-time."""

    token_id = models.CharField(_("link id"), max_length=64, unique=True)
    donor_id_used = models.PositiveBigIntegerField(_("donor id"))
    used_at = models.DateTimeField(_("used"), default=timezone.now)

    class Meta:
        verbose_name = _("used manage-gift link")
        verbose_name_plural = _("used manage-gift links")

    def __str__(self) -> str:
        return self.token_id


class PaymentCard(models.Model):
    """The card a Stripe customer pays with, as the newest charge or payment-method event showed it.

    Keyed by customer rather than by membership: Stripe sends the charge before the checkout that
    makes the membership, and a card belongs to the customer anyway. Only brand, last four digits
    and expiry are kept (what a fundraiser may see); the "at risk" report reads the expiry.
    """

    customer_id = models.CharField(_("Stripe customer id"), max_length=255, unique=True)
    brand = models.CharField(_("card brand"), max_length=30, blank=True)
    last4 = models.CharField(_("last four digits"), max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(_("expiry month"))
    exp_year = models.PositiveSmallIntegerField(_("expiry year"))
    seen_at = models.DateTimeField(
        _("seen at Stripe"), help_text=_("An older event does not overwrite a newer card.")
    )

    class Meta:
        verbose_name = _("payment card")
        verbose_name_plural = _("payment cards")
        indexes = [models.Index(fields=["exp_year", "exp_month"], name="crm_payment_card_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.brand} ···· {self.last4} {self.exp_month:02d}/{self.exp_year}"


class PaymentRecovery(models.Model):
    """A renewal whose card payment failed (one row per Stripe invoice), and what became of it.

    Opened by invoice.payment_failed, recovered by invoice.paid for the same invoice, lost when the
    membership is canceled first (Stripe cancels it after its last retry). The recovery rate is
    recovered / all, by the month of the failure.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Failed, being recovered")
        RECOVERED = "recovered", _("Recovered")
        LOST = "lost", _("Not recovered")

    recurring_donation = models.ForeignKey(
        "crm.RecurringDonation",
        verbose_name=_("membership"),
        on_delete=models.CASCADE,
        related_name="recoveries",
    )
    donor = models.ForeignKey(
        "crm.Donor", verbose_name=_("donor"), on_delete=models.PROTECT, related_name="payment_recoveries"
    )
    invoice_id = models.CharField(_("Stripe invoice id"), max_length=255, unique=True)
    amount = models.PositiveIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="JPY")
    failed_at = models.DateTimeField(_("first failed"))
    last_failed_at = models.DateTimeField(_("last failed"))
    attempt_count = models.PositiveSmallIntegerField(_("attempts"), default=1)
    next_retry_at = models.DateTimeField(_("next retry by Stripe"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=9, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("recovered or lost"), null=True, blank=True)

    class Meta:
        verbose_name = _("failed payment")
        verbose_name_plural = _("failed payments")
        ordering = ["-failed_at", "-pk"]
        indexes = [models.Index(fields=["status", "failed_at"], name="crm_recovery_status_idx")]

    def __str__(self) -> str:
        return f"{self.donor} · {self.amount:,} {self.currency} · {self.failed_at:%Y-%m-%d}"


class RecoveryEmail(models.Model):
    """One email of a recovery. The row is written (and committed) before the email goes, under a
    unique key, so a replayed webhook, a second worker or a crashed one never sends a step twice."""

    class Step(models.TextChoices):
        FAILED = "failed", _("Payment failed")
        DAY_3 = "day_3", _("Reminder after 3 days")
        DAY_7 = "day_7", _("Last reminder after 7 days")

    recovery = models.ForeignKey(
        PaymentRecovery, verbose_name=_("failed payment"), on_delete=models.CASCADE, related_name="emails"
    )
    step = models.CharField(_("step"), max_length=6, choices=Step.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("failed-payment email")
        verbose_name_plural = _("failed-payment emails")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["recovery", "step"], name="crm_recovery_email_once")]

    def __str__(self) -> str:
        return self.get_step_display()


class CardExpiryReminder(models.Model):
    """A reminder that a member's card expires soon: once per card expiry, written before sending."""

    customer_id = models.CharField(_("Stripe customer id"), max_length=255)
    exp_month = models.PositiveSmallIntegerField(_("expiry month"))
    exp_year = models.PositiveSmallIntegerField(_("expiry year"))
    donor = models.ForeignKey(
        "crm.Donor", verbose_name=_("donor"), on_delete=models.CASCADE, related_name="card_expiry_reminders"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("card expiry reminder")
        verbose_name_plural = _("card expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["customer_id", "exp_year", "exp_month"], name="crm_card_expiry_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.exp_month:02d}/{self.exp_year}"
