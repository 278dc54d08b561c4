"""A local fake Stripe API server for the tests (see server.py) and its pytest fixtures (fixtures.py)."""

from tests.stripe_fake.server import FakeStripe, StripeError, decode_form, sign_payload

__all__ = ["FakeStripe", "StripeError", "decode_form", "sign_payload"]
