"""Interactions: the staff's notes of calls, meetings, emails and events with a donor or a company."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.interactions.querysets import InteractionQuerySet


class Interaction(models.Model):
    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        # In context: Wagtail's "Email" (shared catalog) is the address, this is the medium.
        EMAIL = "email", pgettext_lazy("interaction kind", "Email")
        EVENT = "event", _("Event")
        POST = "post", _("Post")
        NOTE = "note", _("Note")

    donor = models.ForeignKey(
        "crm.Donor",
        verbose_name=_("donor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    company = models.ForeignKey(
        "crm.PartnerCompany",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    kind = models.CharField(_("kind"), max_length=7, choices=Kind.choices, default=Kind.NOTE)
    happened_at = models.DateTimeField(_("when"), default=timezone.now)
    summary = models.CharField(_("summary"), max_length=255)
    body = models.TextField(_("details"), blank=True)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crm_interactions",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-happened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(donor__isnull=False) | models.Q(company__isnull=False),
                name="crm_interaction_has_donor_or_company",
            )
        ]

    def __str__(self) -> str:
        return self.summary

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.donor_id is None and self.company_id is None:
            raise ValidationError(_("Choose a donor or a company."))
