"""Payments' signal receivers: they queue the follow-up tasks. Connected in crm.apps.CrmConfig.ready()."""

from __future__ import annotations

from crm.payments.models import PaymentCard, RecoveryEmail
from crm.payments.selectors import stripe_events_waiting_for
from crm.payments.tasks import recovery_email_send_task, stripe_event_process_task, stripe_thank_you_send_task


def thank_you_queue(sender, donation_id: int, **kwargs) -> None:
    stripe_thank_you_send_task.enqueue(donation_id=donation_id)


def waiting_events_queue(sender, subscription_id: str, **kwargs) -> None:
    # Looking for them only after the commit closes the race with one being stored right now.
    for pk in stripe_events_waiting_for(subscription_id=subscription_id):
        stripe_event_process_task.enqueue(stripe_event_id=pk)


def recovery_email_queue(sender, recovery_id: int, **kwargs) -> None:
    """A renewal failed: the donor's first "please update your card" email."""
    recovery_email_send_task.enqueue(recovery_id=recovery_id, step=RecoveryEmail.Step.FAILED)


def donor_erasing(sender, donor, **kwargs) -> None:
    """APPI erasure: the card we kept for the donor's Stripe customer (brand, last four, expiry) goes
    with them; Stripe keeps its own record, which the erasure checklist in docs/operations.md covers."""
    if donor.stripe_customer_id:
        PaymentCard.objects.filter(customer_id=donor.stripe_customer_id).delete()
