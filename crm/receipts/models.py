"""Receipts (領収書) and thanks: a receipt per gift, an annual statement per donor and year, the
numbering that makes each number unique and never reused, print batches for the post, the annual run
and the personal thank-you calls a first or large gift asks for.

A receipt is a document: what it says (name, amount, 但し書き, dates) is stored when it is issued, so a
later change to the donor or the gift never changes a receipt silently. A refund voids it (取消); a
reissue prints the same number again, marked 再発行.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.display import money
from crm.receipts.receipt_settings import ReceiptSettings

__all__ = [
    "AnnualReceiptRun",
    "PersonalThanks",
    "PrintBatch",
    "Receipt",
    "ReceiptCounter",
    "ReceiptDispatch",
    "ReceiptSettings",
]


class ReceiptCounter(models.Model):
    """The last number given in one series and year. Numbers come from here only, inside the same
    transaction as the receipt they go on, under a row lock: a rollback gives the number back
    (no gap), a commit keeps it forever (no reuse)."""

    series = models.CharField(max_length=1, verbose_name=_("series"))
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    last_serial = models.PositiveIntegerField(default=0, verbose_name=_("last serial"))

    class Meta:
        verbose_name = _("receipt counter")
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="crm_receipt_counter_unique")]

    def __str__(self) -> str:
        return f"{self.series}{self.year}: {self.last_serial}"


class PrintBatch(models.Model):
    """Receipts going out by post together: one PDF, one receipt a page, in postal-code order."""

    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    page_count = models.PositiveIntegerField(pgettext_lazy("page count", "pages"), default=0)
    printed_at = models.DateTimeField(_("marked printed"), null=True, blank=True)

    class Meta:
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class AnnualReceiptRun(models.Model):
    """The January run: one annual statement for every donor who gave in the year, delivered as each
    chose. Progress is stored as it goes, so a crashed run resumes where it stopped."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        ISSUING = "issuing", _("Issuing statements")
        DELIVERING = "delivering", _("Sending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Stopped by an error")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    donors_total = models.PositiveIntegerField(_("donors who gave"), default=0)
    statements_issued = models.PositiveIntegerField(_("statements issued"), default=0)
    emails_sent = models.PositiveIntegerField(_("emails sent"), default=0)
    emails_failed = models.PositiveIntegerField(_("emails failed"), default=0)
    posted = models.PositiveIntegerField(_("by post"), default=0)
    # The last donor id issued a statement: where issuing resumes after a crash.
    issued_up_to_donor_id = models.PositiveBigIntegerField(
        default=0, editable=False, verbose_name=_("issued up to donor id")
    )
    print_batch = models.ForeignKey(
        PrintBatch, verbose_name=_("print batch"), null=True, blank=True, on_delete=models.SET_NULL
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual receipt run")
        verbose_name_plural = _("annual receipt runs")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(_("Annual statements %(year)s") % {"year": self.year})

    @property
    def percent(self) -> int:
        """Issuing is the first half of the work, delivering the second."""
        if not self.donors_total:
            return 100 if self.status == self.Status.DONE else 0
        issued = self.statements_issued / self.donors_total
        delivered = (self.emails_sent + self.emails_failed + self.posted) / max(self.statements_issued, 1)
        return min(100, int(50 * issued + 50 * min(delivered, 1.0)))


class Receipt(models.Model):
    """One receipt (a gift's) or annual statement (a donor's year), as issued."""

    class Kind(models.TextChoices):
        GIFT = "gift", _("Receipt")
        ANNUAL = "annual", _("Annual statement")

    class Purpose(models.TextChoices):
        GIFT = "gift", _("Donation")
        MONTHLY = "monthly", _("Monthly gift")
        YEARLY = "yearly", _("Yearly gift")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        VOIDED = "voided", _("Voided")

    class Delivery(models.TextChoices):
        EMAIL = "email", pgettext_lazy("delivery", "Email")
        POST = "post", _("Post")
        NONE = "none", _("Not sent")

    SERIES = {Kind.GIFT: "R", Kind.ANNUAL: "A"}

    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    number = models.CharField(_("receipt number"), max_length=20, unique=True)
    donor = models.ForeignKey(
        "crm.Donor", verbose_name=_("donor"), on_delete=models.PROTECT, related_name="receipts"
    )
    donation = models.ForeignKey(
        "crm.Donation",
        verbose_name=_("donation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipts",
    )
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The calendar year of the gift(s)."))
    amount = models.PositiveIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="JPY")
    # The statement's gifts as issued: [date ISO, amount, purpose], so a voided one still shows what it said.
    lines = models.JSONField(_("gifts"), default=list, blank=True)
    purpose = models.CharField(_("但し書き"), max_length=7, choices=Purpose.choices, default=Purpose.GIFT)
    received_on = models.DateField(_("gift received"), null=True, blank=True)
    issued_on = models.DateField(_("issued"))
    recipient_name = models.CharField(_("made out to"), max_length=300)
    to_company = models.BooleanField(_("to a company (御中)"), default=False)
    language = models.CharField(_("language"), max_length=2, default="ja")
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.ISSUED)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    void_reason = models.CharField(_("reason voided"), max_length=255, blank=True)
    reissue_count = models.PositiveSmallIntegerField(_("reissues"), default=0)
    reissued_at = models.DateTimeField(_("last reissued"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        help_text=_("The voided receipt this one corrects (after a partial refund)."),
    )
    delivery = models.CharField(_("delivery"), max_length=5, choices=Delivery.choices)
    print_batch = models.ForeignKey(
        PrintBatch,
        verbose_name=_("print batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="receipts",
    )
    annual_run = models.ForeignKey(
        AnnualReceiptRun,
        verbose_name=_("annual run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["donation"],
                condition=models.Q(kind="gift", status="issued"),
                name="crm_receipt_one_per_gift",
            ),
            models.UniqueConstraint(
                fields=["donor", "year"],
                condition=models.Q(kind="annual", status="issued"),
                name="crm_receipt_one_statement_per_year",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="annual") | models.Q(donation__isnull=False),
                name="crm_receipt_gift_has_donation",
            ),
        ]
        indexes = [
            models.Index(fields=["donor", "kind", "year"], name="crm_receipt_donor_idx"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(delivery="post", print_batch__isnull=True),
                name="crm_receipt_to_post_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def amount_display(self) -> str:
        return money(self.amount, self.currency)

    @property
    def is_voided(self) -> bool:
        return self.status == self.Status.VOIDED


class ReceiptDispatch(models.Model):
    """One sending of a receipt, recorded before it goes: the unique key makes a second attempt to
    send the same receipt (a retried task, a resumed run) find the first and send nothing."""

    class Channel(models.TextChoices):
        EMAIL = "email", pgettext_lazy("delivery", "Email")
        POST = "post", _("Post")

    class State(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    receipt = models.ForeignKey(
        Receipt, on_delete=models.CASCADE, related_name="dispatches", verbose_name=_("receipt")
    )
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    state = models.CharField(_("state"), max_length=7, choices=State.choices, default=State.SENDING)
    claim = models.UUIDField(default=uuid.uuid4, editable=False, verbose_name=_("claim"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("receipt sending")
        verbose_name_plural = _("receipt sendings")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["claim"], name="crm_receipt_dispatch_claim_idx")]

    def __str__(self) -> str:
        return self.key


class PersonalThanks(models.Model):
    """A first or a large gift: someone calls or writes to the donor within 72 hours."""

    class How(models.TextChoices):
        CALL = "call", _("Called")
        LETTER = "letter", _("Wrote a letter")
        EMAIL = "email", _("Wrote an email")

    donation = models.OneToOneField(
        "crm.Donation", verbose_name=_("donation"), on_delete=models.CASCADE, related_name="personal_thanks"
    )
    first_gift = models.BooleanField(_("first gift"), default=False)
    large_gift = models.BooleanField(_("large gift"), default=False)
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_how = models.CharField(_("how"), max_length=6, choices=How.choices, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("personal thanks")
        verbose_name_plural = _("personal thanks")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["due_at"], condition=models.Q(done_at__isnull=True), name="crm_thanks_open_idx"
            )
        ]

    def __str__(self) -> str:
        return str(self.donation)

    @property
    def reasons(self) -> str:
        parts = []
        if self.first_gift:
            parts.append(str(_("first gift")))
        if self.large_gift:
            parts.append(str(_("large gift")))
        return ", ".join(parts)
