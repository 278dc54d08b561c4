"""Background tasks of the CRM: each takes ids and calls one service."""

from __future__ import annotations

from cms.tasks import task


@task()
def stripe_event_process_task(*, stripe_event_id: int) -> str:
    from crm.services.stripe_events import stripe_event_process

    return stripe_event_process(stripe_event_id=stripe_event_id).status


@task()
def stripe_thank_you_send_task(*, donation_id: int) -> None:
    from crm.models import Donation
    from crm.services.stripe_emails import thank_you_send

    donation = Donation.objects.select_related("donor").filter(pk=donation_id).first()
    if donation is not None:
        thank_you_send(donation=donation)


@task()
def stripe_manage_gift_link_task(*, email: str, link_template: str) -> None:
    """Look the address up and email the link in the background, so the page answers alike either way."""
    from crm.services.stripe_portal import manage_gift_link_request

    manage_gift_link_request(email=email, build_url=lambda token: link_template.replace("TOKEN", token))


# The scheduler (`manage.py crontask`) imports each app's `tasks` module to find what is scheduled.
from crm import tasks_schedule  # noqa: E402, F401
