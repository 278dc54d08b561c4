"""Read logic about partner companies."""

from __future__ import annotations

from django.db import models


class PartnerCompanyQuerySet(models.QuerySet):
    def on_site(self) -> PartnerCompanyQuerySet:
        """Companies the campaign page may show, in the order communications staff chose."""
        return self.filter(show_on_site=True).order_by("site_order", "name")
