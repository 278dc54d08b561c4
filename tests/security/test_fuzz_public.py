"""Property-based fuzzing (hypothesis) of every public form and query parameter.

Whatever a visitor (or a bot) sends, the site answers with a page or a clear 4xx, never a 500, and
never echoes markup back unescaped. Webhooks are fuzzed with valid signatures, so the bodies reach
the code behind the signature check.
"""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.stripe_fake.server import sign_payload

pytestmark = pytest.mark.django_db

MARKUP = "<b data-fuzz>x</b>"
NASTY = [
    MARKUP,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "³",
    "１２３４",
    "٣٠٠٠",
    "1e9",
    "-1",
    "99999999999999999999999",
    '=HYPERLINK("http://x")',
    "\x00",
    "' OR 1=1 --",
    "%",
    "難民 AND",
    "a" * 3000,
    "",
]
text = st.one_of(
    st.sampled_from(NASTY), st.text(max_size=200), st.text(alphabet="0123456789,円¥ ．０１２３", max_size=12)
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the checkout; every run explores afresh
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _no_limits(settings):
    # The limiter would answer 429 long before the interesting inputs; the limits have their own tests.
    settings.RATE_LIMITS = {
        name: {"address": "100000/h", "email": "100000/h"} for name in settings.RATE_LIMITS
    }


def _assert_sane(response, *inputs: str) -> None:
    assert response.status_code < 500, response.content[:500]
    if response.get("Content-Type", "").startswith("text/html"):
        body = response.content.decode("utf-8", "replace")
        if any(MARKUP in value for value in inputs):
            assert MARKUP not in body
        assert "<script>alert(1)</script>" not in body
        assert "onerror=alert(1)>" not in body


def _clean(value: str) -> str:
    # The test client cannot put NUL or lone surrogates into a URL; browsers would not send them.
    return value.replace("\x00", "").encode("utf-8", "ignore").decode("utf-8")


@FUZZ
@given(query=text, tag=text, page=text, language=st.sampled_from(["", "/en"]))
def test_search_and_autocomplete(site_tree, query, tag, page, language):
    query, tag, page = _clean(query), _clean(tag), _clean(page)
    client = Client()
    _assert_sane(client.get(f"{language}/search/", {"query": query, "tag": tag, "page": page}), query, tag)
    _assert_sane(client.get(f"{language}/search/", {"query": query, "autocomplete": "1"}), query)


@FUZZ
@given(family=text, given_name=text, email=text, newsletter_language=text, website=text)
def test_newsletter_form(family, given_name, email, newsletter_language, website):
    data = {
        "family_name": family,
        "given_name": given_name,
        "email": email,
        "language": newsletter_language,
        "website": website,
    }
    data = {key: _clean(value) for key, value in data.items()}
    _assert_sane(Client().post("/newsletter/", data), *data.values())


@FUZZ
@given(frequency=text, amount=text, custom_amount=text, language=st.sampled_from(["ja", "en"]))
def test_donation_form(site_tree, frequency, amount, custom_amount, language):
    page = site_tree["donation"] if language == "ja" else site_tree["en_donation"]
    data = {
        key: _clean(value)
        for key, value in {"frequency": frequency, "amount": amount, "custom_amount": custom_amount}.items()
    }
    _assert_sane(Client().post(page.url, data), *data.values())


@FUZZ
@given(
    email=text, token=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.:", min_size=1, max_size=80)
)
def test_manage_my_gift(email, token):
    email = _clean(email)
    client = Client()
    _assert_sane(client.post("/en/donate/manage/", {"email": email}), email)
    _assert_sane(client.get(f"/donate/manage/{token}/"))
    _assert_sane(client.post(f"/donate/manage/{token}/"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
stripe_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "id": text,
            "type": st.sampled_from(
                [
                    "checkout.session.completed",
                    "invoice.paid",
                    "customer.subscription.deleted",
                    "charge.refunded",
                ]
            )
            | text,
            "created": json_values,
            "data": json_values,
            "livemode": json_values,
        }
    ),
)


@FUZZ
@given(body=stripe_bodies)
def test_signed_stripe_webhook_bodies(settings, body):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_fuzz"
    payload = json.dumps(body)
    response = Client().post(
        "/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign_payload(payload, "whsec_fuzz"),
    )
    _assert_sane(response)


@FUZZ
@given(
    kind=st.sampled_from(["subscribe", "unsubscribe", "profile", "upemail", "cleaned", "campaign"]) | text,
    fields=st.dictionaries(
        st.sampled_from(
            [
                "data[email]",
                "data[id]",
                "data[merges][EMAIL]",
                "data[new_email]",
                "data[old_email]",
                "data[reason]",
                "data[list_id]",
                "fired_at",
            ]
        ),
        text,
        max_size=6,
    ),
)
def test_mailchimp_webhook_bodies(settings, kind, fields):
    settings.MAILCHIMP_WEBHOOK_SECRET = "mc-fuzz"
    settings.MAILCHIMP_AUDIENCE_ID = "aud0001"
    data = {"type": _clean(kind), **{key: _clean(value) for key, value in fields.items()}}
    _assert_sane(Client().post("/mailchimp/webhook/mc-fuzz/", data))
