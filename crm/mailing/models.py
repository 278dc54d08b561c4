"""What we last told Mailchimp, per donor, and the log of every sync run."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailchimpMemberState(models.Model):
    """Our memory of one donor's audience member: the hash of the last body Mailchimp accepted and the
    tags it holds. A sync sends only what differs from this, so an unchanged CRM costs no writes; a
    failed write leaves it untouched, so the next run sends it again."""

    donor = models.OneToOneField(
        "crm.Donor", on_delete=models.CASCADE, related_name="mailchimp_state", verbose_name=_("donor")
    )
    email = models.EmailField(_("email in Mailchimp"), max_length=254)
    payload_hash = models.CharField(max_length=64, blank=True, verbose_name=_("payload hash"))
    pushed_status = models.CharField(_("status we last sent"), max_length=20, blank=True)
    remote_status = models.CharField(_("status in Mailchimp"), max_length=20, blank=True)
    # {tag name: True (active) | False (inactive)}, as Mailchimp last accepted them.
    tags = models.JSONField(default=dict, blank=True, verbose_name=_("tags"))
    last_pushed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last pushed at"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    failed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("failed at"))
    failure_count = models.PositiveIntegerField(default=0, verbose_name=_("failure count"))

    class Meta:
        verbose_name = _("Mailchimp member state")
        verbose_name_plural = _("Mailchimp member states")
        indexes = [models.Index(fields=["email"], name="crm_mc_state_email_idx")]

    def __str__(self) -> str:
        return f"{self.email} ({self.remote_status or 'unknown'})"


class MailchimpSyncRun(models.Model):
    class Kind(models.TextChoices):
        PUSH = "push", _("Push")
        RECONCILE = "reconcile", _("Reconcile")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Finished with failures")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PUSH)
    trigger = models.CharField(_("started by"), max_length=100, blank=True)
    segments = models.JSONField(_("segments"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    tagged = models.PositiveIntegerField(_("tagged"), default=0)
    untagged = models.PositiveIntegerField(_("untagged"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    corrected = models.PositiveIntegerField(_("consent corrected"), default=0)
    api_calls = models.PositiveIntegerField(_("API calls"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("Mailchimp sync run")
        verbose_name_plural = _("Mailchimp sync runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"
