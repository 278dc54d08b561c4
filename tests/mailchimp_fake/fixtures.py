"""pytest fixtures: a running fake with settings pointing the client at it (import into a test module)."""

import pytest

from tests.mailchimp_fake.server import FakeMailchimp

WEBHOOK_SECRET = "hook-secret-123"


@pytest.fixture(name="fake_mailchimp")
def fake_mailchimp_fixture(settings):
    with FakeMailchimp() as fake:
        settings.MAILCHIMP_API_KEY = fake.api_key
        settings.MAILCHIMP_AUDIENCE_ID = fake.audience_id
        settings.MAILCHIMP_API_URL = fake.api_url
        settings.MAILCHIMP_WEBHOOK_SECRET = WEBHOOK_SECRET
        # Fast retries and polling: the fake answers in milliseconds.
        settings.MAILCHIMP_BACKOFF_SECONDS = 0.01
        settings.MAILCHIMP_BATCH_POLL_SECONDS = 0.05
        settings.MAILCHIMP_TIMEOUT_SECONDS = 0.5
        yield fake
