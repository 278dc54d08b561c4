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
