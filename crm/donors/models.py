"""Donors: every supporter the NPO knows, with their consent history and former email addresses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from crm.donors.querysets import DonorQuerySet
from text_analysis.names import donor_search_text, normalise_text


def normalise_email(email: str | None) -> str | None:
    """One donor per address: compare and store addresses trimmed, NFKC-normalised, lower-case."""
    if not email:
        return None
    return normalise_text(email).replace(" ", "") or None


class TaggedDonor(TaggedItemBase):
    content_object = models.ForeignKey("crm.Donor", on_delete=models.CASCADE, related_name="tagged_items")


# The one list of a donor's personal data (APPI): every Donor field that says who the person is or
# how to reach them. The APPI disclosure exports all of them, erasure blanks all of them, the CSV
# export and the seeders write them; imports fill, and merges carry over, the contact details.
# tests/crm/test_personal_data.py fails when Donor gains a field that is in neither this list nor
# DONOR_RECORD_FIELDS, so a new field cannot slip past erasure.
DONOR_CONTACT_FIELDS = (  # name, reading, phone and postal address
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "phone",
    "postal_code",
    "prefecture",
    "city",
    "address_line",
)
DONOR_PERSONAL_FIELDS = (
    *DONOR_CONTACT_FIELDS[:4],
    "email",
    *DONOR_CONTACT_FIELDS[4:],
    "company",
    "company_role",
    "notes",
    "stripe_customer_id",
    "newsletter_status_source",
    "receipt_name",  # the name a receipt is made out to
    "deceased_on",
)
# What the CRM records about the relationship rather than the person (kept after erasure);
# search_text is derived from the personal fields and rebuilt from them on every save.
DONOR_RECORD_FIELDS = (
    "id",
    "preferred_language",
    "source",
    "newsletter_status",
    "newsletter_status_changed_at",
    "tags",
    "search_text",
    "created_at",
    "updated_at",
    "erased_at",
    "no_post",
    "receipt_delivery",
    "receipt_to_company",
)


class Donor(models.Model):
    class Language(models.TextChoices):
        JA = "ja", _("Japanese")
        EN = "en", pgettext_lazy("language name", "English")

    class Source(models.TextChoices):
        SITE = "site", _("Site")
        STRIPE = "stripe", _("Stripe")
        IMPORT = "import", _("Import")
        MANUAL = "manual", _("Manual")
        BANK_TRANSFER = "bank", _("Bank transfer")

    class ReceiptDelivery(models.TextChoices):
        EMAIL = "email", _("By email")
        POST = "post", _("By post")
        NONE = "none", _("No receipts")

    class NewsletterStatus(models.TextChoices):
        SUBSCRIBED = "subscribed", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        PENDING = "pending", _("Pending")
        CLEANED = "cleaned", _("Cleaned (bounced)")
        NEVER = "never", _("Never asked")

    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name_kana = models.CharField(_("family name (kana)"), max_length=100, blank=True)
    given_name_kana = models.CharField(_("given name (kana)"), max_length=100, blank=True)
    # Nullable only so erased donors can keep their row (and their anonymous donations) without an address.
    email = models.EmailField(_("email"), max_length=254, unique=True, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    prefecture = models.CharField(_("prefecture"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address_line = models.CharField(_("address"), max_length=255, blank=True)
    preferred_language = models.CharField(
        pgettext_lazy("donor", "preferred language"),
        max_length=2,
        choices=Language.choices,
        default=Language.JA,
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    newsletter_status = models.CharField(
        _("newsletter"), max_length=12, choices=NewsletterStatus.choices, default=NewsletterStatus.NEVER
    )
    newsletter_status_changed_at = models.DateTimeField(_("newsletter status changed"), null=True, blank=True)
    newsletter_status_source = models.CharField(_("newsletter status changed by"), max_length=100, blank=True)
    # Postal mailings (crm.mailings) leave these donors out.
    no_post = models.BooleanField(
        _("no post"), default=False, help_text=_("The donor asked not to receive letters or reports by post.")
    )
    deceased_on = models.DateField(_("deceased"), null=True, blank=True)
    company = models.ForeignKey(
        "crm.PartnerCompany",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    company_role = models.CharField(_("role at the company"), max_length=100, blank=True)
    tags = TaggableManager(through=TaggedDonor, blank=True)
    # Receipts (crm/receipts): how the donor wants them, and the name they are made out to.
    receipt_delivery = models.CharField(
        _("receipts"),
        max_length=5,
        choices=ReceiptDelivery.choices,
        default=ReceiptDelivery.EMAIL,
        db_default=ReceiptDelivery.EMAIL,
        help_text=_("By email goes by post instead when the donor has no email address."),
    )
    receipt_name = models.CharField(
        _("name on receipts and letters"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_("Empty: the donor's name. Joint names separated by ・, e.g. 山田 太郎・花子."),
    )
    receipt_to_company = models.BooleanField(
        _("receipts to the company"),
        default=False,
        db_default=False,
        help_text=_("Make receipts out to the donor's company (御中) instead of the donor (様)."),
    )
    notes = models.TextField(_("notes"), blank=True)
    stripe_customer_id = models.CharField(_("Stripe customer"), max_length=255, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="", verbose_name=_("search text"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects = DonorQuerySet.as_manager()

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["family_name_kana", "given_name_kana", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_customer_id"],
                condition=~models.Q(stripe_customer_id=""),
                name="crm_donor_stripe_customer_unique",
            ),
            # The database, not just save(), keeps addresses lower-case, so uniqueness is case-insensitive.
            models.CheckConstraint(
                condition=models.Q(email__isnull=True) | models.Q(email=Lower("email")),
                name="crm_donor_email_lowercase",
            ),
        ]
        indexes = [
            # The admin listing's default order: lets PostgreSQL read the first page off the index.
            models.Index(
                fields=["family_name_kana", "given_name_kana", "id"], name="crm_donor_kana_order_idx"
            ),
            models.Index(fields=["created_at"], name="crm_donor_created_idx"),
            models.Index(fields=["newsletter_status"], name="crm_donor_newsletter_idx"),
            # The donors not erased, which every count, report and segment starts from: PostgreSQL
            # counts them (and groups them by consent) from this small index alone, where a scan of
            # the table read 7,000 pages at 100,000 donors (bench/bench_reports.py).
            models.Index(
                fields=["newsletter_status", "id"],
                condition=models.Q(erased_at__isnull=True),
                name="crm_donor_active_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            update_fields = {
                *update_fields,
                "search_text",
                "email",
                "updated_at",
                "newsletter_status_changed_at",
            }
            kwargs["update_fields"] = update_fields
        loaded_status, loaded_changed_at = getattr(self, "_loaded_consent", (None, None))
        if self._state.adding:
            consent_changed = self.newsletter_status != self.NewsletterStatus.NEVER
        else:
            consent_changed = loaded_status is not None and loaded_status != self.newsletter_status
        if consent_changed and (self.newsletter_status_changed_at in (None, loaded_changed_at)):
            self.newsletter_status_changed_at = timezone.now()
        super().save(*args, **kwargs)
        if consent_changed:
            ConsentChange.objects.create(
                donor=self,
                status=self.newsletter_status,
                source=self.newsletter_status_source,
                changed_at=self.newsletter_status_changed_at,
            )
        self._loaded_consent = (self.newsletter_status, self.newsletter_status_changed_at)

    def clean(self):
        # Before the constraints are validated, so forms see the stored form of the address and
        # report a duplicate whatever its case.
        self.email = normalise_email(self.email)

    @property
    def display_name(self) -> str:
        if self.erased_at:
            return str(_("Erased donor #%(id)s") % {"id": self.pk})
        name = " ".join(p for p in (self.family_name, self.given_name) if p)
        return name or self.email or str(_("Donor #%(id)s") % {"id": self.pk})

    @property
    def kana_name(self) -> str:
        return " ".join(p for p in (self.family_name_kana, self.given_name_kana) if p)

    def _address(self) -> str:
        parts = [
            f"〒{self.postal_code}" if self.postal_code else "",
            self.prefecture,
            self.city,
            self.address_line,
        ]
        return " ".join(p for p in parts if p)

    # The inspect view's label (Django's label_for_field reads it).
    _address.short_description = _("Address")
    address = property(_address)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # Remember consent as loaded, so save() records a change whichever code path made it.
        loaded = dict(zip(field_names, values, strict=False))
        instance._loaded_consent = (
            loaded.get("newsletter_status"),
            loaded.get("newsletter_status_changed_at"),
        )
        return instance

    def build_search_text(self) -> str:
        return donor_search_text(
            family_name=self.family_name,
            given_name=self.given_name,
            family_name_kana=self.family_name_kana,
            given_name_kana=self.given_name_kana,
            email=self.email,
            phone=self.phone,
        )


class ConsentChange(models.Model):
    """One change of a donor's newsletter consent: the evidence APPI and Mailchimp disputes ask for."""

    donor = models.ForeignKey(
        Donor, on_delete=models.CASCADE, related_name="consent_changes", verbose_name=_("donor")
    )
    status = models.CharField(max_length=12, choices=Donor.NewsletterStatus.choices, verbose_name=_("status"))
    source = models.CharField(max_length=100, blank=True, verbose_name=_("source"))
    changed_at = models.DateTimeField(default=timezone.now, verbose_name=_("changed at"))

    class Meta:
        verbose_name = _("consent change")
        verbose_name_plural = _("consent changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.source})"


class DonorEmailHistory(models.Model):
    """An address a donor used before: kept on merge so a later import or webhook still finds them."""

    class Reason(models.TextChoices):
        MERGED = "merged", _("Merged from a duplicate")
        CHANGED = "changed", _("Changed")

    donor = models.ForeignKey(
        Donor, on_delete=models.CASCADE, related_name="email_history", verbose_name=_("donor")
    )
    email = models.EmailField(max_length=254, verbose_name=_("email"))
    reason = models.CharField(
        max_length=10, choices=Reason.choices, default=Reason.CHANGED, verbose_name=_("reason")
    )
    merged_from_id = models.PositiveBigIntegerField(null=True, blank=True, verbose_name=_("merged from id"))
    recorded_at = models.DateTimeField(default=timezone.now, verbose_name=_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("former email address")
        verbose_name_plural = _("former email addresses")
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["email"], name="crm_donor_email_hist_idx")]

    def __str__(self) -> str:
        return self.email
