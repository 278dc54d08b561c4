"""Read logic of payments."""

from __future__ import annotations

from crm.giving.models import Donation
from crm.payments.models import StripeEvent


def donation_for_thank_you(*, donation_id: int) -> Donation | None:
    """The gift with its donor, or None when it was deleted before the task ran."""
    return Donation.objects.select_related("donor").filter(pk=donation_id).first()


def stripe_events_waiting_for(*, subscription_id: str) -> list[int]:
    """Ids of subscription events stored before their subscription was known, oldest first."""
    waiting = StripeEvent.objects.filter(
        status=StripeEvent.Status.PENDING,
        type__startswith="customer.subscription.",
        payload__data__object__id=subscription_id,
    ).order_by("created", "pk")
    return list(waiting.values_list("pk", flat=True))
