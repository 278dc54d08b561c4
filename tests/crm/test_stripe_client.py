"""The typed Stripe client against the fake Stripe server, through the official SDK: the fake
answers like the API (objects, errors, idempotency), and signatures follow Stripe's scheme."""

from __future__ import annotations

import json
import time

import pytest
import stripe

from crm.payments import client as stripe_api
from tests.stripe_fake import decode_form, sign_payload
from tests.stripe_fake.fixtures import TEST_WEBHOOK_SECRET, fake_stripe, fake_stripe_server

__all__ = ["fake_stripe", "fake_stripe_server"]


def _session(**overrides):
    params = {
        "amount_jpy": 1000,
        "frequency": "monthly",
        "locale": "ja",
        "metadata": {"page_id": "3"},
        "idempotency_key": f"k-{time.time_ns()}",
        "success_url": "http://x/s",
        "cancel_url": "http://x/c",
    }
    return stripe_api.create_checkout_session(**(params | overrides))


def test_form_encoding_is_decoded_into_nested_objects():
    body = (
        "line_items[0][price_data][currency]=jpy&line_items[0][price_data][unit_amount]=1000"
        "&line_items[0][quantity]=1&metadata[tier]=5000&mode=payment"
    )
    assert decode_form(body) == {
        "line_items": [{"price_data": {"currency": "jpy", "unit_amount": "1000"}, "quantity": "1"}],
        "metadata": {"tier": "5000"},
        "mode": "payment",
    }


def test_monthly_session_is_a_subscription_in_yen(fake_stripe):
    session = _session(amount_jpy=5000)
    assert session.id.startswith("cs_test_") and session.mode == "subscription"
    assert (session.amount_total, session.currency) == (5000, "jpy")
    stored = fake_stripe.get(session.id)
    assert stored["object"] == "checkout.session" and stored["url"] == session.url
    price = stored["_line_items"][0]["price"]
    assert price["recurring"] == {"interval": "month", "interval_count": 1} and price["unit_amount"] == 5000


def test_same_idempotency_key_returns_the_same_session(fake_stripe):
    first = _session(idempotency_key="same")
    second = _session(idempotency_key="same")
    assert first.id == second.id
    assert len(fake_stripe.all("checkout.session")) == 1


def test_same_key_with_other_parameters_is_an_idempotency_error(fake_stripe):
    _session(idempotency_key="same", amount_jpy=1000)
    with pytest.raises(stripe.IdempotencyError):
        _session(idempotency_key="same", amount_jpy=2000)


def test_wrong_key_is_an_authentication_error(fake_stripe, settings):
    settings.STRIPE_SECRET_KEY = "rk_live_wrong"
    with pytest.raises(stripe.AuthenticationError):
        _session()


def test_missing_object_is_a_404_with_stripe_error_body(fake_stripe):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_api.get_client().v1.checkout.sessions.retrieve("cs_test_missing")
    assert caught.value.http_status == 404 and caught.value.code == "resource_missing"


def test_rate_limit_and_server_errors_surface_as_sdk_errors(fake_stripe):
    fake_stripe.fail_next(429)
    with pytest.raises(stripe.RateLimitError):
        _session()
    fake_stripe.fail_next(500, count=2)  # one retry (test settings), then the error
    with pytest.raises(stripe.APIError):
        _session()
    assert _session().id.startswith("cs_test_")  # and the next call works


def test_portal_session_for_a_customer(fake_stripe):
    customer = fake_stripe.create_customer({"email": "m@example.org"})
    portal = stripe_api.create_portal_session(
        customer_id=customer["id"], return_url="http://x/back", locale="en"
    )
    assert portal.url.startswith(f"{fake_stripe.base_url}/portal/bps_test_")
    with pytest.raises(stripe.InvalidRequestError):
        stripe_api.create_portal_session(customer_id="cus_test_unknown", return_url="http://x/back")


def test_not_configured_client_refuses_cleanly(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert stripe_api.is_configured() is False
    with pytest.raises(stripe_api.StripeNotConfigured):
        _session()


def test_signature_scheme_is_stripes(fake_stripe):
    event = fake_stripe.event("invoice.paid", {"id": "in_test_1", "object": "invoice"})
    body = json.dumps(event)
    header = sign_payload(body, TEST_WEBHOOK_SECRET)
    assert header.startswith("t=") and ",v1=" in header
    verified = stripe_api.construct_event(payload=body.encode(), signature=header)
    assert verified["id"] == event["id"] and verified["type"] == "invoice.paid"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe_api.construct_event(payload=body.encode(), signature=sign_payload(body, "whsec_other"))
