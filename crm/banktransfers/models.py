"""Bank transfers: gift batches entered by hand, and bank statements imported and matched to donors.

The gifts themselves are ordinary Donations (method "bank_transfer"), so the stored giving summary,
segments, the dashboard and receipts treat them like card gifts. These tables keep where each gift
came from: the batch and its memo, or the statement line it was read from.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GiftBatch(models.Model):
    """Transfers a fundraiser entered together, posted once their count and total matched."""

    name = models.CharField(_("name"), max_length=200)
    expected_count = models.PositiveIntegerField(_("expected number of gifts"))
    expected_total = models.PositiveBigIntegerField(_("expected total (yen)"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("posted by"),
    )
    posted_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        verbose_name = _("gift batch")
        verbose_name_plural = _("gift batches")
        ordering = ["-posted_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class GiftBatchEntry(models.Model):
    batch = models.ForeignKey(
        GiftBatch, on_delete=models.CASCADE, related_name="entries", verbose_name=_("batch")
    )
    donation = models.OneToOneField(
        "crm.Donation", on_delete=models.PROTECT, related_name="batch_entry", verbose_name=_("donation")
    )
    memo = models.CharField(_("memo"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("gift batch entry")
        verbose_name_plural = _("gift batch entries")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.donation)


class BankStatement(models.Model):
    """An uploaded statement: matched in the background, reviewed, then posted as gifts."""

    class Stage(models.TextChoices):
        MATCHING = "matching", _("Matching to donors")
        REVIEW = "review", _("Waiting for review")
        POSTED = "posted", _("Gifts recorded")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        ZENGIN = "zengin", _("Zengin (全銀協) statement")
        CSV = "csv", _("CSV")

    id = models.UUIDField("ID", primary_key=True, default=uuid.uuid4, editable=False)
    filename = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=6, choices=Format.choices)
    file_sha256 = models.CharField(_("file fingerprint (SHA-256)"), max_length=64, editable=False)
    account = models.CharField(pgettext_lazy("bank", "account"), max_length=40, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    period_from = models.DateField(_("from"), null=True, blank=True)
    period_to = models.DateField(_("to"), null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices, default=Stage.MATCHING)
    lines_total = models.PositiveIntegerField(_("credits"), default=0)
    lines_done = models.PositiveIntegerField(_("credits matched so far"), default=0)
    skipped_debits = models.PositiveIntegerField(_("debits left out"), default=0)
    error = models.TextField(_("error"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent_done(self) -> int:
        return min(100, self.lines_done * 100 // self.lines_total) if self.lines_total else 100


class StatementLine(models.Model):
    """One credit of a statement. Its fingerprint is the gift's external id, so a line read twice (the
    same file again, or overlapping statements) can never record a second gift."""

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched")
        PROBABLE = "probable", _("Probable: pick the donor")
        UNMATCHED = "unmatched", _("Unmatched")
        SKIPPED = "skipped", _("Skipped")
        ALREADY = "already", _("Already recorded")
        POSTED = "posted", _("Gift recorded")

    statement = models.ForeignKey(
        BankStatement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("bank statement")
    )
    line_number = models.PositiveIntegerField(_("line"))
    fingerprint = models.CharField(_("line fingerprint"), max_length=64, db_index=True)
    booked_on = models.DateField(_("date"))
    amount = models.PositiveIntegerField(_("amount (yen)"))
    remitter = models.CharField(_("remitter"), max_length=100)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    memo = models.CharField(_("memo"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=9, choices=Status.choices, default=Status.UNMATCHED)
    reason = models.CharField(_("why"), max_length=100, blank=True)
    donor = models.ForeignKey(
        "crm.Donor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("donor"),
    )
    candidates = models.JSONField(_("possible donors"), default=list, blank=True)
    donation = models.OneToOneField(
        "crm.Donation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_line",
        verbose_name=_("donation"),
    )

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "fingerprint"], name="crm_statement_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.remitter} ¥{self.amount:,}"

    @property
    def external_id(self) -> str:
        return f"bank:{self.fingerprint}"
