"""Read logic about interactions (calls, meetings, letters) for the timelines."""

from __future__ import annotations

import datetime

from django.db import models


class InteractionQuerySet(models.QuerySet):
    def for_timeline(self) -> InteractionQuerySet:
        return self.select_related("staff_user").order_by("-happened_at")

    def event_attendances(self, *, since: datetime.datetime) -> InteractionQuerySet:
        """The one meaning of "attended an event": an event on the donor's timeline since then. A
        check-in at the door writes it, and staff record events held outside the CRM the same way."""
        return self.filter(kind=self.model.Kind.EVENT, happened_at__gte=since)
