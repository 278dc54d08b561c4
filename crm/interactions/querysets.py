"""Read logic about interactions (calls, meetings, letters) for the timelines."""

from __future__ import annotations

from django.db import models


class InteractionQuerySet(models.QuerySet):
    def for_timeline(self) -> InteractionQuerySet:
        return self.select_related("staff_user").order_by("-happened_at")
