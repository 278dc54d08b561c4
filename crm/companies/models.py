"""Partner companies: hiring partners, trial employers, corporate donors and collaborators."""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from crm.companies.querysets import PartnerCompanyQuerySet
from text_analysis.names import normalise_text


class PartnerCompany(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    name_en = models.CharField(
        _("name in English"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the English site; the Japanese name is shown there when this is empty."),
    )
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Four flags rather than a list: filterable and indexable the same way on SQLite and PostgreSQL.
    is_hiring_partner = models.BooleanField(_("hiring partner"), default=False)
    offers_trial_employment = models.BooleanField(_("trial employment"), default=False)
    is_corporate_donor = models.BooleanField(_("corporate donor"), default=False)
    is_collaborator = models.BooleanField(_("collaborator"), default=False)
    description = models.TextField(_("notes"), blank=True)
    show_on_site = models.BooleanField(
        _("show on the site"),
        default=False,
        help_text=_("List this company in the campaign page's partner section."),
    )
    site_order = models.IntegerField(_("order on the site"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartnerCompanyQuerySet.as_manager()

    RELATIONSHIP_FIELDS = (
        "is_hiring_partner",
        "offers_trial_employment",
        "is_corporate_donor",
        "is_collaborator",
    )

    class Meta:
        verbose_name = _("partner company")
        verbose_name_plural = _("partner companies")
        ordering = ["site_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def site_name(self) -> str:
        """The name for the language being rendered: English pages show the English name if there is one."""
        language = (translation.get_language() or "ja").split("-")[0]
        return self.name_en if language == "en" and self.name_en else self.name

    def _relationship_kinds(self) -> list[str]:
        return [
            str(self._meta.get_field(f).verbose_name) for f in self.RELATIONSHIP_FIELDS if getattr(self, f)
        ]

    _relationship_kinds.short_description = _("relationship kinds")
    relationship_kinds = property(_relationship_kinds)

    @property
    def search_name(self) -> str:
        return normalise_text(f"{self.name} {self.name_kana} {self.name_en}")
