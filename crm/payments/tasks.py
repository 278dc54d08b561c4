"""Background tasks of payments: each takes ids and calls one service."""

from __future__ import annotations

from core.tasks import task
from crm.payments.selectors import donation_for_thank_you
from crm.payments.services.emails import thank_you_send
from crm.payments.services.events import stripe_event_process
from crm.payments.services.portal import manage_gift_link_request
from crm.payments.services.recovery import recovery_email_send


@task()
def stripe_event_process_task(*, stripe_event_id: int) -> str:
    return stripe_event_process(stripe_event_id=stripe_event_id).status


@task()
def stripe_thank_you_send_task(*, donation_id: int) -> None:
    donation = donation_for_thank_you(donation_id=donation_id)
    if donation is not None:
        thank_you_send(donation=donation)


@task()
def stripe_manage_gift_link_task(*, email: str, link_template: str) -> None:
    """Look the address up and email the link in the background, so the page answers alike either way."""
    manage_gift_link_request(email=email, build_url=lambda token: link_template.replace("TOKEN", token))


@task()
def recovery_email_send_task(*, recovery_id: int, step: str) -> str:
    """A failed payment's email to the donor; sent at most once per step, however often queued."""
    return recovery_email_send(recovery_id=recovery_id, step=step)
