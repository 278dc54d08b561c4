"""Donor self-service: a signed, expiring, one-time link that opens the Stripe Customer Portal."""

from __future__ import annotations

import secrets

from django.core import signing
from django.db import IntegrityError, transaction

from crm.donors.models import Donor, normalise_email
from crm.giving.models import RecurringDonation
from crm.payments import client as stripe_api
from crm.payments.models import ManageGiftLinkUse
from crm.payments.services.emails import manage_gift_link_send

SALT = "crm.stripe.manage-gift"
LINK_MAX_AGE_SECONDS = 2 * 3600
# The link in a failed-payment email must still work at the last reminder (day 7) and a few days
# after, while Stripe keeps retrying; it is still one-time.
CARD_UPDATE_LINK_MAX_AGE_SECONDS = 10 * 86400


class ManageGiftLinkInvalid(Exception):
    """The link is forged, expired or already used."""


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def manage_gift_member(*, email: str) -> Donor | None:
    """The donor with this address, if a monthly gift (current or past) ties them to a Stripe customer."""
    address = normalise_email(email)
    if not address:
        return None
    donor = Donor.objects.filter(email=address).exclude(stripe_customer_id="").first()
    if donor is None or not RecurringDonation.objects.filter(donor=donor).exclude(external_id="").exists():
        return None
    return donor


def manage_gift_token_make(*, donor: Donor, card_update: bool = False) -> str:
    """A one-time link's token; ``card_update`` links (failed-payment emails) live longer."""
    data = {"d": donor.pk, "n": secrets.token_urlsafe(16)}
    if card_update:
        data["r"] = 1
    return _signer().sign_object(data)


def _token_data(token: str) -> dict:
    try:
        return _signer().unsign_object(token, max_age=LINK_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        data = _signer().unsign_object(token, max_age=CARD_UPDATE_LINK_MAX_AGE_SECONDS)
        if not data.get("r"):
            raise
        return data


def manage_gift_link_request(*, email: str, build_url) -> bool:
    """Email a link if the address belongs to a member. Callers must not reveal the result."""
    donor = manage_gift_member(email=email)
    if donor is None:
        return False
    manage_gift_link_send(
        donor=donor, url=build_url(manage_gift_token_make(donor=donor)), hours=LINK_MAX_AGE_SECONDS // 3600
    )
    return True


def manage_gift_token_check(*, token: str) -> Donor:
    """The donor a link was made for; raises ManageGiftLinkInvalid. Does not use the link up."""
    try:
        data = _token_data(token)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise ManageGiftLinkInvalid(str(exc)) from exc
    if ManageGiftLinkUse.objects.filter(token_id=data["n"]).exists():
        raise ManageGiftLinkInvalid("already used")
    donor = Donor.objects.filter(pk=data["d"]).exclude(stripe_customer_id="").first()
    if donor is None:
        raise ManageGiftLinkInvalid("no such member")
    return donor


def manage_gift_portal_open(*, token: str, return_url: str, locale: str) -> str:
    """Use the link up and return the URL of a fresh Stripe Customer Portal session."""
    donor = manage_gift_token_check(token=token)
    nonce = _token_data(token)["n"]
    try:
        with transaction.atomic():
            ManageGiftLinkUse.objects.create(token_id=nonce, donor_id_used=donor.pk)
    except IntegrityError as exc:  # two clicks at once: only one opens the portal
        raise ManageGiftLinkInvalid("already used") from exc
    # The network call happens after the commit above, outside any transaction.
    portal = stripe_api.create_portal_session(
        customer_id=donor.stripe_customer_id, return_url=return_url, locale=locale
    )
    return portal.url
