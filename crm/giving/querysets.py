"""Read logic about gifts and monthly memberships as chainable QuerySets (figures: selectors.py)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, IntegerField, Sum
from django.db.models.functions import Coalesce


class DonationQuerySet(models.QuerySet):
    def succeeded(self) -> DonationQuerySet:
        return self.filter(status="succeeded")

    def one_off(self) -> DonationQuerySet:
        return self.filter(recurring_donation__isnull=True)

    def total(self, *, currency: str = "JPY") -> int:
        return self.succeeded().filter(currency=currency).aggregate(t=Coalesce(Sum("amount"), 0))["t"]


class RecurringDonationQuerySet(models.QuerySet):
    def active(self) -> RecurringDonationQuerySet:
        return self.filter(status="active")

    def with_monthly_amount(self) -> RecurringDonationQuerySet:
        """monthly_amount: yearly gifts spread over twelve months (integer division in SQL)."""
        return self.annotate(
            monthly_amount=models.Case(
                models.When(interval="year", then=F("amount") / 12),
                default=F("amount"),
                output_field=IntegerField(),
            )
        )
