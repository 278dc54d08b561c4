"""Writes for interactions: what a fundraiser records about a call, a meeting, a letter."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from crm.donors.models import Donor
from crm.interactions.models import Interaction


@transaction.atomic
def interaction_record(
    *,
    donor: Donor,
    kind: str,
    happened_at: datetime.datetime,
    summary: str,
    body: str = "",
    user: AbstractBaseUser | None = None,
) -> Interaction:
    """One interaction with a donor, by the staff member who records it."""
    return Interaction.objects.create(
        donor=donor, kind=kind, happened_at=happened_at, summary=summary, body=body, staff_user=user
    )
