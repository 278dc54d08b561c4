"""Postal mailings: activity reports and letters sent by post to a segment or a hand-picked list.

A mailing is a draft until a fundraiser has seen its count and made it final. Finalising freezes
the pieces (one per household: donors at the same normalised address share an envelope), so the
print-shop CSV, the labels and the letters printed later are exactly what was counted, even if a
donor moves or joins the segment afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Mailing(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("Activity report")
        LETTER = "letter", _("Letter")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("mailing status", "Draft")
        FINAL = "final", pgettext_lazy("mailing status", "Final")

    class NameStyle(models.TextChoices):
        # How the names of a household sharing one envelope are joined on the label.
        GIVEN = "given", _("Family name once: 山田太郎様・花子様")
        FULL = "full", _("Full names: 山田太郎様・山田花子様")
        FIRST = "first", _("First donor only: 山田太郎様")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPORT)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    segment = models.ForeignKey(
        "crm.Segment",
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who gets it. Leave empty to use only the hand-picked donors."),
    )
    picked_donors = models.ManyToManyField(
        "crm.Donor", verbose_name=_("hand-picked donors"), blank=True, related_name="+"
    )
    name_style = models.CharField(
        _("names in one envelope"), max_length=10, choices=NameStyle.choices, default=NameStyle.GIVEN
    )
    letter_body_ja = models.TextField(
        _("letter (Japanese)"),
        blank=True,
        help_text=_("For a letter: the text printed under the greeting. {name} is the addressee's name."),
    )
    letter_body_en = models.TextField(
        _("letter (English)"), blank=True, help_text=_("For donors who prefer English.")
    )
    sent_on = models.DateField(_("posting date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True, editable=False)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("finalised by"),
    )
    piece_count = models.PositiveIntegerField(_("pieces"), default=0, editable=False)
    donor_count = models.PositiveIntegerField(_("donors"), default=0, editable=False)

    class Meta:
        verbose_name = _("postal mailing")
        verbose_name_plural = _("postal mailings")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class MailingPiece(models.Model):
    """One envelope of a final mailing, as it goes to the print shop."""

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="pieces", verbose_name=_("mailing")
    )
    position = models.PositiveIntegerField(verbose_name=_("position"))
    postal_code = models.CharField(_("postal code"), max_length=10)
    address1 = models.CharField(_("address 1"), max_length=200)
    address2 = models.CharField(_("address 2"), max_length=255, blank=True)
    address3 = models.CharField(_("address 3"), max_length=255, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    addressee = models.CharField(_("addressee"), max_length=300)
    #: Names for the letter's greeting, without honorific (山田太郎・花子).
    greeting_name = models.CharField(max_length=300, blank=True, verbose_name=_("greeting name"))
    language = models.CharField(max_length=2, default="ja", verbose_name=_("language"))
    address_key = models.CharField(max_length=400, verbose_name=_("address key"))
    donors = models.ManyToManyField("crm.Donor", related_name="mailing_pieces", verbose_name=_("donors"))

    class Meta:
        verbose_name = _("mailing piece")
        verbose_name_plural = _("mailing pieces")
        ordering = ["mailing", "position"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "position"], name="crm_mailingpiece_position_unique")
        ]

    def __str__(self) -> str:
        return self.addressee


class ReturnedMail(models.Model):
    """Post that came back (宛先不明). Holds while the donor's address is the one it came back from.

    The address is remembered as its normalised key, so a new address (typed in the admin, imported
    or merged) lifts the block without anyone having to remember to clear a flag.
    """

    donor = models.ForeignKey(
        "crm.Donor", on_delete=models.CASCADE, related_name="returned_mail", verbose_name=_("donor")
    )
    address_key = models.CharField(max_length=400, verbose_name=_("address key"))
    marked_at = models.DateTimeField(_("marked"), default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("marked by"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("returned mail")
        verbose_name_plural = _("returned mail")
        ordering = ["-marked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["donor", "address_key"], name="crm_returnedmail_unique")
        ]

    def __str__(self) -> str:
        return str(self.donor)
