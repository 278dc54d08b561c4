"""Pytest fixtures for the fake Stripe server. Import them into a test module or conftest."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.stripe_fake.server import FakeStripe, sign_payload

TEST_SECRET_KEY = "sk_test_fake_welgee"
TEST_WEBHOOK_SECRET = "whsec_test_fake_welgee"


@pytest.fixture(scope="session")
def fake_stripe_server() -> Iterator[FakeStripe]:
    fake = FakeStripe()
    fake.serve()
    yield fake
    fake.shutdown()


@pytest.fixture
def fake_stripe(fake_stripe_server: FakeStripe, settings) -> Iterator[FakeStripe]:
    """The fake with fresh state, and settings pointing our Stripe client at it."""
    fake_stripe_server.reset()
    settings.STRIPE_SECRET_KEY = TEST_SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake_welgee"
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake_stripe_server.base_url
    # Fast retries keep the 429/500 tests quick while still exercising the SDK's retry path.
    settings.STRIPE_MAX_NETWORK_RETRIES = 1
    settings.STRIPE_TIMEOUT_SECONDS = 2
    yield fake_stripe_server
    fake_stripe_server.reset()


def signed_post(
    client,
    event: dict[str, Any] | bytes,
    *,
    secret: str = TEST_WEBHOOK_SECRET,
    timestamp: int | None = None,
    path: str = "/stripe/webhook/",
):
    """POST an event to our webhook endpoint the way Stripe does: raw JSON plus Stripe-Signature."""
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    return client.post(
        path,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign_payload(body, secret, timestamp),
    )
