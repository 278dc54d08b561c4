"""Thin typed client for the Stripe API, built on the official SDK.

Configuration comes from settings on every call (STRIPE_SECRET_KEY, STRIPE_API_BASE,
STRIPE_WEBHOOK_SECRET), so tests can point it at the local fake and nothing is set on the global
``stripe`` module. JPY is a zero-decimal currency: ``amount_jpy=1000`` is sent as ``unit_amount=1000``
and means ¥1,000. No ORM here: callers record what happened.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Literal

import stripe
from django.conf import settings

Frequency = Literal["monthly", "yearly", "once"]
# The Stripe price interval of each recurring frequency.
INTERVALS = {"monthly": "month", "yearly": "year"}
CURRENCY = "jpy"
# Locales Stripe Checkout and the portal understand, keyed by our site languages.
CHECKOUT_LOCALES = {"ja": "ja", "en": "en"}

StripeError = stripe.StripeError
SignatureVerificationError = stripe.SignatureVerificationError


class StripeNotConfigured(Exception):
    """Online giving is switched off: there is no secret key."""


@dataclass(frozen=True, kw_only=True)
class CheckoutSession:
    id: str
    url: str
    mode: str
    amount_total: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class PortalSession:
    id: str
    url: str


def is_configured() -> bool:
    return bool(getattr(settings, "STRIPE_SECRET_KEY", ""))


def webhook_is_configured() -> bool:
    return bool(getattr(settings, "STRIPE_WEBHOOK_SECRET", ""))


def get_client() -> stripe.StripeClient:
    if not is_configured():
        raise StripeNotConfigured("STRIPE_SECRET_KEY is not set")
    base = getattr(settings, "STRIPE_API_BASE", "") or stripe.DEFAULT_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base},
        max_network_retries=getattr(settings, "STRIPE_MAX_NETWORK_RETRIES", 2),
        http_client=stripe.RequestsClient(timeout=getattr(settings, "STRIPE_TIMEOUT_SECONDS", 20)),
    )


def create_checkout_session(
    *,
    amount_jpy: int,
    frequency: Frequency,
    locale: str,
    metadata: dict[str, str],
    idempotency_key: str,
    success_url: str,
    cancel_url: str,
    email: str | None = None,
    product_name: str = "WELgee",
) -> CheckoutSession:
    """A hosted Checkout page for one gift: a monthly or yearly subscription, or a one-off payment.

    No ``receipt_email`` (nor ``payment_intent_data.receipt_email``) is sent: the donor's receipt is
    ours (crm/receipts, with 様 and the NPO's details), and Stripe's own would make two. Stripe's
    dashboard switches for customer emails must be off too (docs/deploy.md).
    """
    if type(amount_jpy) is not int or amount_jpy <= 0:
        raise ValueError(f"amount_jpy must be a positive whole number of yen, got {amount_jpy!r}")
    price_data: dict[str, Any] = {
        "currency": CURRENCY,
        "unit_amount": amount_jpy,  # zero-decimal currency: no ×100
        "product_data": {"name": product_name},
    }
    params: dict[str, Any] = {
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": CHECKOUT_LOCALES.get(locale, "auto"),
        "metadata": metadata,
        "client_reference_id": metadata.get("page_id") or None,
    }
    if frequency in INTERVALS:
        price_data["recurring"] = {"interval": INTERVALS[frequency]}
        params["mode"] = "subscription"
        params["subscription_data"] = {"metadata": metadata}
    elif frequency == "once":
        params["mode"] = "payment"
        params["submit_type"] = "donate"
        # A customer for one-off donors too, so a later monthly gift finds the same donor.
        params["customer_creation"] = "always"
        params["payment_intent_data"] = {"metadata": metadata}
    else:
        raise ValueError(f"unknown frequency {frequency!r}")
    if email:
        params["customer_email"] = email
    if params["client_reference_id"] is None:
        del params["client_reference_id"]
    session = get_client().v1.checkout.sessions.create(
        params=params, options={"idempotency_key": idempotency_key}
    )
    return CheckoutSession(
        id=session.id,
        url=session.url or "",
        mode=session.mode,
        amount_total=int(session.amount_total or 0),
        currency=session.currency or CURRENCY,
    )


def create_portal_session(*, customer_id: str, return_url: str, locale: str = "auto") -> PortalSession:
    """A Stripe Customer Portal session where a donor changes their card, or changes or stops their gift."""
    session = get_client().v1.billing_portal.sessions.create(
        params={
            "customer": customer_id,
            "return_url": return_url,
            "locale": CHECKOUT_LOCALES.get(locale, "auto"),
        }
    )
    return PortalSession(id=session.id, url=session.url)


def construct_event(*, payload: bytes, signature: str | None, tolerance: int = 300) -> dict[str, Any]:
    """The event object of a webhook body, once its Stripe-Signature header is verified.

    Raises SignatureVerificationError for a bad, stale or future signature (the SDK refuses only
    stale ones: a timestamp more than `tolerance` seconds ahead of our clock is refused here, so a
    leaked signing of tomorrow's body cannot be replayed all day), and ValueError for a body that is
    not an event object (a JSON array, a `created` that is not a number, missing fields).
    """
    stripe.WebhookSignature.verify_header(payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance)
    signed_at, _signatures = stripe.WebhookSignature._get_timestamp_and_signatures(
        signature or "", stripe.WebhookSignature.EXPECTED_SCHEME
    )
    if signed_at > time.time() + tolerance:
        raise SignatureVerificationError("Timestamp is in the future", signature, payload)
    return event_object(json.loads(payload))


def event_object(data: Any) -> dict[str, Any]:
    """`data` if it has the shape every handler relies on, else ValueError (answered with a 400)."""
    if not isinstance(data, dict):
        raise ValueError("a Stripe event is a JSON object")
    for key, limit in (("id", 255), ("type", 100)):
        if not isinstance(data.get(key), str) or not 0 < len(data[key]) <= limit:
            raise ValueError(f"a Stripe event has a text {key}")
    created = data.get("created")
    if isinstance(created, bool) or not isinstance(created, int) or not 0 <= created < 2**33:
        raise ValueError("a Stripe event's created is a Unix time")
    if not isinstance(data.get("data"), dict) or not isinstance(data["data"].get("object"), dict):
        raise ValueError("a Stripe event carries data.object")
    return data
