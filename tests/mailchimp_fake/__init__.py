"""A local fake of the Mailchimp Marketing API v3, for tests and benchmarks.

It keeps audience state (members, statuses, merge fields, tags, batches), answers with the real
API's status codes and problem+json bodies, counts requests and injects faults (429, 500,
timeouts, failing batch operations) so the sync can be tested against the official SDK without
the internet.

    with FakeMailchimp() as fake:
        settings.MAILCHIMP_API_URL = fake.api_url
        settings.MAILCHIMP_API_KEY = fake.api_key
        settings.MAILCHIMP_AUDIENCE_ID = fake.audience_id
"""

from tests.mailchimp_fake.server import FakeMailchimp, subscriber_hash

__all__ = ["FakeMailchimp", "subscriber_hash"]
