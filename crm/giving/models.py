"""Money in: one-off donations and recurring donations (monthly members). Amounts are integers in
the currency's minor unit; JPY has none, so ¥1,000 is 1000."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.display import day, money, money_per_interval
from crm.giving.querysets import DonationQuerySet, RecurringDonationQuerySet


def _unique_when_present(field: str, name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=[field], condition=~models.Q(**{field: ""}), name=name)


class RecurringDonation(models.Model):
    """A monthly (or yearly) gift; an active one makes its donor a member of the WELgee family."""

    class Interval(models.TextChoices):
        MONTH = "month", _("Monthly")
        YEAR = "year", _("Yearly")

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", _("Incomplete")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Past due")
        PAUSED = "paused", _("Paused")
        CANCELED = "canceled", _("Canceled")

    donor = models.ForeignKey(
        "crm.Donor", verbose_name=_("donor"), on_delete=models.PROTECT, related_name="recurring_donations"
    )
    amount = models.PositiveIntegerField(
        _("amount"), help_text=_("In the currency's minor unit: ¥1,000 is 1000.")
    )
    currency = models.CharField(_("currency"), max_length=3, default="JPY")
    interval = models.CharField(_("interval"), max_length=5, choices=Interval.choices, default=Interval.MONTH)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    canceled_at = models.DateTimeField(_("canceled"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    external_id = models.CharField(
        _("external id"), max_length=255, blank=True, default="", help_text=_("Stripe subscription id.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RecurringDonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly member")
        verbose_name_plural = _("monthly members")
        ordering = ["-started_at", "-pk"]
        constraints = [_unique_when_present("external_id", "crm_recurring_external_id_unique")]
        indexes = [models.Index(fields=["status", "donor"], name="crm_recurring_status_idx")]

    def __str__(self) -> str:
        return f"{self.donor} · {money_per_interval(self.amount, self.currency, self.interval)}"

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded_status", None)
        changed = self._state.adding or (loaded is not None and loaded != self.status)
        if changed and not self._state.adding:
            self.status_changed_at = timezone.now()
            if self.status == self.Status.CANCELED and self.canceled_at is None:
                self.canceled_at = self.status_changed_at
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "status_changed_at",
                "canceled_at",
                "updated_at",
            }
        super().save(*args, **kwargs)
        if changed:
            RecurringDonationChange.objects.create(
                recurring_donation=self, status=self.status, changed_at=self.status_changed_at
            )
        self._loaded_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_status = dict(zip(field_names, values, strict=False)).get("status")
        return instance


class RecurringDonationChange(models.Model):
    """The status history of a recurring donation, for the donor timeline."""

    recurring_donation = models.ForeignKey(
        RecurringDonation,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("recurring donation"),
    )
    status = models.CharField(
        max_length=10, choices=RecurringDonation.Status.choices, verbose_name=_("status")
    )
    changed_at = models.DateTimeField(default=timezone.now, verbose_name=_("changed at"))

    class Meta:
        verbose_name = _("monthly membership change")
        verbose_name_plural = _("monthly membership changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return self.get_status_display()


class Donation(models.Model):
    class Method(models.TextChoices):
        CARD = "card", _("Card")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        OTHER = "other", _("Other")

    class ThankYouStatus(models.TextChoices):
        TO_THANK = "to_thank", _("To thank")
        EMAIL = "email", _("Thanked by email")
        LETTER = "letter", _("Thanked by letter")
        CALL = "call", _("Thanked by call")
        DO_NOT_THANK = "do_not_thank", _("Do not thank")

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Succeeded")
        REFUNDED = "refunded", _("Refunded")
        FAILED = "failed", _("Failed")

    # PROTECT: donations are the accounts; a donor is erased (anonymised), never deleted with them.
    donor = models.ForeignKey(
        "crm.Donor", verbose_name=_("donor"), on_delete=models.PROTECT, related_name="donations"
    )
    amount = models.PositiveIntegerField(
        _("amount"), help_text=_("In the currency's minor unit: ¥1,000 is 1000.")
    )
    currency = models.CharField(_("currency"), max_length=3, default="JPY")
    amount_refunded = models.PositiveIntegerField(
        _("amount refunded"),
        default=0,
        help_text=_("Refunded so far, in the same unit; a partial refund leaves the gift succeeded."),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    method = models.CharField(_("method"), max_length=13, choices=Method.choices, default=Method.CARD)
    recurring_donation = models.ForeignKey(
        RecurringDonation,
        verbose_name=_("monthly membership"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations",
    )
    status = models.CharField(_("status"), max_length=9, choices=Status.choices, default=Status.SUCCEEDED)
    external_id = models.CharField(
        _("external id"),
        max_length=255,
        blank=True,
        default="",
        help_text=_("Stripe payment or import reference."),
    )
    # Receipts and thanks (crm/receipts). Empty for gifts recorded before thanks were tracked.
    thank_you_status = models.CharField(
        _("thank-you"),
        max_length=12,
        choices=ThankYouStatus.choices,
        default=ThankYouStatus.TO_THANK,
        # Rows inserted by raw SQL (bulk loads of history) are not new gifts to thank.
        db_default="",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["donor", "status", "received_at"], name="crm_donation_donor_idx"),
            # With the primary key, in the listings' order (newest first, then by id): "the latest
            # five gifts" (the admin-home panel, the donation listing) reads five index entries
            # instead of sorting every gift of the month by id (0.5 s at 1,000,000 gifts).
            models.Index(fields=["received_at", "id"], name="crm_donation_recv_id_idx"),
            # Segment rules read only succeeded gifts; these cover their subqueries, so PostgreSQL
            # answers "gave in 2025" and "lifetime value >= X" from the index alone, without visiting
            # 1,000,000 rows of the table (bench/bench_segments.py).
            models.Index(
                fields=["received_at", "donor"],
                condition=models.Q(status="succeeded"),
                name="crm_donation_gift_dates_idx",
            ),
            models.Index(
                # Key columns rather than INCLUDE, which SQLite does not support.
                fields=["donor", "currency", "amount"],
                condition=models.Q(status="succeeded"),
                name="crm_donation_gift_totals_idx",
            ),
            # The thank-you queue reads the few gifts still to thank among a million.
            models.Index(
                fields=["received_at"],
                condition=models.Q(thank_you_status="to_thank"),
                name="crm_donation_to_thank_idx",
            ),
        ]
        constraints = [
            _unique_when_present("external_id", "crm_donation_external_id_unique"),
            models.CheckConstraint(
                condition=models.Q(amount_refunded__lte=models.F("amount")),
                name="crm_donation_refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{money(self.amount, self.currency)} · {day(self.received_at)}"

    def _net_amount(self) -> int:
        """What the NPO keeps of this gift once refunds are taken off."""
        return self.amount - self.amount_refunded

    # The label of the listing, inspect and export column (Django's label_for_field reads it).
    _net_amount.short_description = _("net amount")
    net_amount = property(_net_amount)

    @property
    def is_recurring(self) -> bool:
        return self.recurring_donation_id is not None


# --- the stored giving summary ---------------------------------------------------------------------
# A donor's giving summary, stored: lifetime value, first and last gift, membership.
#
# Computed per donor with subqueries, these figures made sorting 100,000 donors and counting
# segments take seconds; stored, they are indexed columns. Database triggers (crm.giving.sql) keep
# them right on every write path, including bulk inserts, queryset.update() and raw SQL, so nothing
# in Python writes to this table except the repair (`manage.py rebuild_giving`).
#
# A separate table rather than columns on Donor: Donor.save() writes every column it has, and a donor
# form saved with figures loaded a second before would put back stale ones.
#


class DonorGiving(models.Model):
    donor = models.OneToOneField(
        "crm.Donor",
        primary_key=True,
        related_name="giving",
        on_delete=models.CASCADE,
        verbose_name=_("donor"),
    )
    lifetime_value = models.BigIntegerField(
        _("lifetime value (JPY)"),
        default=0,
        help_text=_("Succeeded gifts in JPY, less what was refunded."),
    )
    gift_count = models.PositiveIntegerField(_("gifts"), default=0)
    first_gift_at = models.DateTimeField(_("first gift"), null=True, blank=True)
    last_gift_at = models.DateTimeField(_("last gift"), null=True, blank=True)
    is_member = models.BooleanField(_("monthly member"), default=False)
    member_since = models.DateTimeField(_("member since"), null=True, blank=True)
    monthly_amount = models.PositiveIntegerField(
        _("monthly amount (JPY)"),
        default=0,
        help_text=_("Active monthly gifts in JPY; a yearly gift counts as a twelfth."),
    )

    class Meta:
        verbose_name = _("giving summary")
        verbose_name_plural = _("giving summaries")
        indexes = [
            # The donor listing's sorts (both directions read one index) and the segment ranges.
            models.Index(fields=["lifetime_value", "donor"], name="crm_giving_lifetime_idx"),
            models.Index(fields=["last_gift_at", "donor"], name="crm_giving_last_gift_idx"),
            models.Index(fields=["member_since", "donor"], name="crm_giving_member_since_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.donor_id}: ¥{self.lifetime_value:,}"


class DailyIncome(models.Model):
    """Money received on one Tokyo calendar day, by currency and kind: the sums the dashboard's income
    chart, its month-so-far comparison and the all-time total read instead of every gift.

    Kept by database triggers on crm_donation (crm.giving.sql), like the giving summaries, so every
    way a gift is written counts. Summing 600,000 gifts for a 24-month chart took ~300 ms at
    100,000 donors; reading ~730 day rows takes a few (bench/bench_reports.py). Only succeeded gifts.
    """

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly or yearly gifts")
        ONE_OFF = "one_off", _("One-off gifts")
        BANK_TRANSFER = "bank_transfer", _("Bank transfers")

    day = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3)
    kind = models.CharField(_("kind"), max_length=13, choices=Kind.choices)
    gross = models.BigIntegerField(_("amount received"), default=0)
    refunded = models.BigIntegerField(_("amount refunded"), default=0)
    gifts = models.IntegerField(_("gifts"), default=0)

    class Meta:
        verbose_name = _("daily income")
        verbose_name_plural = _("daily income")
        constraints = [
            models.UniqueConstraint(fields=["day", "currency", "kind"], name="crm_dailyincome_day_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}: {self.currency} {self.gross - self.refunded:,}"

    @property
    def net(self) -> int:
        return self.gross - self.refunded
