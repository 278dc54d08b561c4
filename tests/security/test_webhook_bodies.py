"""Webhook bodies from outside (issue 13): a signed Stripe body that is not an event object, a
signature from the future, Mailchimp bodies with garbage addresses get a 4xx, never a 500, and the
Mailchimp secret in the URL never reaches a log record."""

from __future__ import annotations

import json
import logging
import time

import pytest

from crm.models import Donor
from crm.payments.models import StripeEvent
from tests.stripe_fake import sign_payload

pytestmark = pytest.mark.django_db
SECRET = "whsec_bodies"
MC_SECRET = "mc-secret-Zq81xK"


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.MAILCHIMP_WEBHOOK_SECRET = MC_SECRET
    settings.MAILCHIMP_AUDIENCE_ID = "aud0001"


def _event(**changes):
    event = {
        "id": "evt_body_1",
        "object": "event",
        "type": "customer.created",
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": {"id": "cus_1", "object": "customer"}},
    }
    event.update(changes)
    return {k: v for k, v in event.items() if v is not ...}


def _post(client, body, *, timestamp=None):
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        "/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign_payload(payload, SECRET, timestamp=timestamp),
    )


@pytest.mark.parametrize(
    "body",
    [
        [],
        [_event()],
        "null",
        "3",
        '"evt"',
        _event(created="yesterday"),
        _event(created=None),
        _event(created=True),
        _event(created=1.5e300),
        _event(created=-1),
        _event(created=...),
        _event(id=...),
        _event(id=12),
        _event(id=""),
        _event(type=...),
        _event(type=["invoice.paid"]),
        _event(data=...),
        _event(data=[]),
        _event(data={"object": "cus_1"}),
        _event(type="checkout.session.completed", data={"object": None}),
    ],
)
def test_signed_bodies_that_are_not_event_objects_get_400(client, body):
    response = _post(client, body)
    assert response.status_code == 400, response.content
    assert StripeEvent.objects.count() == 0


def test_a_well_formed_event_is_still_stored(client):
    assert _post(client, _event()).status_code == 200
    assert StripeEvent.objects.filter(event_id="evt_body_1").exists()


def test_a_signature_from_the_future_beyond_the_tolerance_is_refused(client):
    assert _post(client, _event(), timestamp=int(time.time()) + 3600).status_code == 400
    assert _post(client, _event(), timestamp=int(time.time()) - 3600).status_code == 400
    assert StripeEvent.objects.count() == 0
    # A clock a few seconds apart is normal.
    assert _post(client, _event(), timestamp=int(time.time()) + 30).status_code == 200


def test_a_body_that_is_not_utf8_is_refused(client):
    payload = b'{"id": "\xff"}'
    response = client.post(
        "/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign_payload(payload.decode("latin-1"), SECRET),
    )
    assert response.status_code == 400


def _mc(client, form):
    return client.post(f"/mailchimp/webhook/{MC_SECRET}/", {"fired_at": "2026-01-01 00:00:00", **form})


@pytest.mark.parametrize(
    "form",
    [
        {"type": "subscribe", "data[email]": "not an address", "data[list_id]": "aud0001"},
        {"type": "subscribe", "data[email]": "<script>@x", "data[merges][FNAME]": "x"},
        {"type": "subscribe", "data[merges][EMAIL]": "a@b@c", "data[merges][LNAME]": "y" * 5000},
        {"type": "subscribe", "data[email][nested]": "a@example.org"},
        {"type": "subscribe"},
        {"type": "unsubscribe", "data[email]": "@@@"},
        {"type": "cleaned", "data[email]": ""},
        {"type": "profile", "data[email]": "x" * 400},
        {"type": "upemail", "data[old_email]": "a@example.org", "data[new_email]": "garbage"},
        {"type": "profile", "data[merges]": "flat", "data[email]": "nobody"},
    ],
)
def test_garbage_mailchimp_addresses_are_refused_without_a_donor(client, form):
    response = _mc(client, form)
    assert response.status_code == 400, response.content
    assert Donor.objects.count() == 0


def test_a_real_subscribe_with_overlong_names_is_cut_to_fit(client):
    response = _mc(
        client,
        {
            "type": "subscribe",
            "data[email]": "Long@Example.org",
            "data[merges][FNAME]": "名" * 5000,
            "data[merges][LNAME]": "姓" * 5000,
            "data[merges][LANGUAGE]": "english please",
        },
    )
    assert response.status_code == 200
    donor = Donor.objects.get(email="long@example.org")
    assert donor.given_name == "名" * Donor._meta.get_field("given_name").max_length


def test_the_mailchimp_secret_never_reaches_a_log_record(client, caplog):
    caplog.set_level(logging.DEBUG)
    _mc(client, {"type": "subscribe", "data[email]": "garbage"})  # a 400: django.request logs the path
    _mc(client, {"type": "subscribe", "data[email]": "fine@example.org"})
    client.get(f"/mailchimp/webhook/{MC_SECRET}x/")  # a 404 with a near-miss secret
    assert caplog.records, "the 400 and 404 are logged"
    text = "\n".join(record.getMessage() for record in caplog.records) + caplog.text
    assert "/mailchimp/webhook/[redacted]/" in text
    assert MC_SECRET not in text
    assert "fine@example.org" not in text


def test_a_malformed_log_call_is_still_not_the_callers_error():
    make = logging.getLogRecordFactory()
    assert getattr(make, "scrubs_personal_data", False)
    record = make("tests", logging.WARNING, __file__, 1, "two %s %s", ("one given",), None)
    assert record.msg == "two %s %s"  # left for the handler to report
    assert (
        make("tests", logging.WARNING, __file__, 1, "mail %s", ("a@example.org",), None).getMessage()
        == "mail [email]"
    )
