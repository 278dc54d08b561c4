"""Saved donor segments, built by fundraisers in the admin and pushed to Mailchimp as tags."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField

from crm.segments.blocks import MATCH_CHOICES, SegmentRulesBlock
from crm.segments.rules import donors_matching, tree_from_stream
from text_analysis.names import readings


class Segment(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    match = models.CharField(_("donors must match"), max_length=3, choices=MATCH_CHOICES, default="all")
    # Stored as JSON (a StreamField column): rule rows and nested AND/OR groups.
    rules = StreamField(SegmentRulesBlock(), blank=True, verbose_name=_("rules"))
    mailchimp_tag = models.CharField(
        _("Mailchimp tag"),
        max_length=100,
        blank=True,
        help_text=_("The tag members get in Mailchimp. Leave empty to use the segment's name."),
    )
    push_to_mailchimp = models.BooleanField(
        _("push to Mailchimp"), default=True, help_text=_("Included when all segments are pushed.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_pushed_at = models.DateTimeField(_("last pushed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Fundraisers name segments in Japanese and are never asked for an ASCII slug: it is made
        # from the name's romaji reading (継続寄付者 -> keizokukifusha), numbered when taken.
        if not self.slug:
            self.slug = self._free_slug()
        super().save(*args, **kwargs)

    def _free_slug(self) -> str:
        base = slugify(readings(self.name)[1])[:90].strip("-") or "segment"
        taken = set(
            Segment.objects.exclude(pk=self.pk).filter(slug__startswith=base).values_list("slug", flat=True)
        )
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug

    @property
    def tag_name(self) -> str:
        return (self.mailchimp_tag or self.name).strip()

    def rule_tree(self) -> dict[str, Any]:
        return tree_from_stream(self.match, self.rules.get_prep_value() if self.rules is not None else [])

    def donors(self):
        """The donors in this segment now: one lazy QuerySet, evaluated as one SQL query."""
        return donors_matching(self.rule_tree())
