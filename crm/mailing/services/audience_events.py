"""Applying Mailchimp's webhook events to the CRM: consent and email follow, with the source recorded.

Our own API calls also fire webhooks. They do not loop: an event that asks for the state the CRM
already holds (which is what we last pushed) changes nothing and writes no consent history.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from crm.donors.models import Donor, DonorEmailHistory, normalise_email
from crm.donors.services.donors import donor_find_by_email, donor_upsert
from crm.mailing.models import MailchimpMemberState

logger = logging.getLogger(__name__)

WEBHOOK_SOURCE = "mailchimp webhook"
EVENT_TYPES = {"subscribe", "unsubscribe", "cleaned", "profile", "upemail"}

Status = Donor.NewsletterStatus


class MailchimpWebhookRefused(ValueError):
    """The body cannot be applied (a garbage address, fields of the wrong shape): answered with a 400."""


def _text(value: Any, limit: int) -> str:
    # Form fields arrive as text, but a nested `data[email][x]=` makes a dict: such a field is empty.
    return value.replace("\x00", "").strip()[:limit] if isinstance(value, str) else ""


def _valid_email(value: Any) -> str:
    """The address, normalised, or MailchimpWebhookRefused: a garbage address never becomes a donor."""
    email = normalise_email(_text(value, 254)) or ""
    try:
        validate_email(email)
    except ValidationError:
        raise MailchimpWebhookRefused("not an email address") from None
    return email


def parse_webhook_form(form: Any) -> tuple[str, dict[str, Any]]:
    """Mailchimp's `data[merges][FNAME]=…` form fields -> ("profile", {"merges": {"FNAME": …}})."""
    data: dict[str, Any] = {}
    for key in form:
        if not key.startswith("data["):
            continue
        parts = key[len("data[") : -1].split("][")
        node = data
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = form.get(key)
    return str(form.get("type", "")), data


def _set_consent(donor: Donor, status: str) -> bool:
    if donor.newsletter_status == status:
        return False
    donor.newsletter_status = status
    donor.newsletter_status_source = WEBHOOK_SOURCE
    donor.save()
    MailchimpMemberState.objects.filter(donor=donor).update(remote_status=status)
    return True


@transaction.atomic
def mailchimp_webhook_apply(*, event_type: str, data: dict[str, Any]) -> str:
    """Applies one event; returns what happened ("applied", "ignored", "unknown donor", …) for the log."""
    if event_type not in EVENT_TYPES:
        return "ignored: unknown type"
    merges = data.get("merges") if isinstance(data.get("merges"), dict) else {}
    if event_type == "upemail":
        return _change_email(old=_text(data.get("old_email"), 254), new=_valid_email(data.get("new_email")))
    email = _valid_email(data.get("email") or merges.get("EMAIL"))
    found = donor_find_by_email(email=email)
    donor = Donor.objects.select_for_update().get(pk=found.pk) if found else None

    if event_type in {"unsubscribe", "cleaned"}:
        if donor is None:
            return "unknown donor"
        status = Status.UNSUBSCRIBED if event_type == "unsubscribe" else Status.CLEANED
        return "applied" if _set_consent(donor, status) else "ignored: already so"

    if event_type == "subscribe":
        if donor is None:
            language = _text(merges.get("LANGUAGE"), 2).lower()
            donor_upsert(
                email=email,
                given_name=_text(merges.get("FNAME"), Donor._meta.get_field("given_name").max_length),
                family_name=_text(merges.get("LNAME"), Donor._meta.get_field("family_name").max_length),
                preferred_language=language if language in {"ja", "en"} else None,
                newsletter_status=Status.SUBSCRIBED,
                newsletter_status_source=WEBHOOK_SOURCE,
            )
            return "applied: new donor"
        return "applied" if _set_consent(donor, Status.SUBSCRIBED) else "ignored: already so"

    # profile: the member edited their details on Mailchimp's preference page.
    if donor is None:
        return "unknown donor"
    changed = []
    for merge, attr in (("FNAME", "given_name"), ("LNAME", "family_name")):
        value = _text(merges.get(merge), Donor._meta.get_field(attr).max_length)
        if value and getattr(donor, attr) != value:
            setattr(donor, attr, value)
            changed.append(attr)
    language = _text(merges.get("LANGUAGE"), 2).lower()
    if language in {"ja", "en"} and donor.preferred_language != language:
        donor.preferred_language = language
        changed.append("preferred_language")
    if not changed:
        return "ignored: already so"
    donor.save()
    return "applied"


def _change_email(*, old: str, new: str) -> str:
    new_normalised = normalise_email(new)
    found = donor_find_by_email(email=old)
    if found is None or not new_normalised:
        return "unknown donor"
    donor = Donor.objects.select_for_update().get(pk=found.pk)
    if donor.email == new_normalised:
        return "ignored: already so"
    if Donor.objects.filter(email=new_normalised).exclude(pk=donor.pk).exists():
        # Two donors would share one address: leave it to a fundraiser to merge them.
        logger.warning("Mailchimp upemail to an address another donor uses (donor %s)", donor.pk)
        return "ignored: address in use"
    previous = donor.email
    donor.email = new_normalised
    donor.save()
    if previous:
        DonorEmailHistory.objects.create(donor=donor, email=previous, reason=DonorEmailHistory.Reason.CHANGED)
    MailchimpMemberState.objects.filter(donor=donor).update(email=new_normalised)
    return "applied"
