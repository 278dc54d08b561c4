"""Newsletter sign-up from the site: consent pending until the donor confirms Mailchimp's email."""

from __future__ import annotations

from django.db import transaction

from crm.donors.models import Donor
from crm.donors.services.donors import donor_find_by_email, donor_upsert
from crm.mailing.client import MailchimpConfig
from crm.mailing.signals import newsletter_signup_received

SIGNUP_SOURCE = "site newsletter form"


def newsletter_confirms_by_email() -> bool:
    """Whether a sign-up now gets Mailchimp's confirmation email (False while Mailchimp is not set up)."""
    return MailchimpConfig.from_settings().is_configured


@transaction.atomic
def newsletter_signup(*, email: str, given_name: str, family_name: str, language: str) -> Donor:
    """Creates or updates the donor with consent pending and queues the Mailchimp push after commit.

    A subscribed donor stays subscribed (no second confirmation); anyone else, including a donor
    who unsubscribed before, goes to pending, which Mailchimp confirms by email (double opt-in).
    """
    existing = donor_find_by_email(email=email)
    status = (
        Donor.NewsletterStatus.SUBSCRIBED
        if existing and existing.newsletter_status == Donor.NewsletterStatus.SUBSCRIBED
        else Donor.NewsletterStatus.PENDING
    )
    donor, _created = donor_upsert(
        email=email,
        given_name=given_name if not existing or not existing.given_name else None,
        family_name=family_name if not existing or not existing.family_name else None,
        preferred_language=language,
        newsletter_status=status,
        newsletter_status_source=SIGNUP_SOURCE if status == Donor.NewsletterStatus.PENDING else None,
        source=Donor.Source.SITE,
    )
    # Without Mailchimp settings the donor waits as "pending" in the CRM; the first push after
    # Mailchimp is set up sends the confirmation email (the README says the sync is skipped).
    if newsletter_confirms_by_email():
        transaction.on_commit(lambda: newsletter_signup_received.send(sender=Donor, donor_id=donor.pk))
    return donor
