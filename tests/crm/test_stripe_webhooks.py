"""The Stripe webhook endpoint, end to end: the fake Stripe makes the events a real flow sends,
signed with Stripe's scheme, and they are posted to /stripe/webhook/ as Stripe would."""

from __future__ import annotations

import json
import time

import pytest
from django.core import mail

from crm.models import Donation, Donor, RecurringDonation
from crm.payments import client as stripe_api
from crm.payments.models import StripeEvent
from crm.payments.signals import membership_ended
from tests.stripe_fake import sign_payload
from tests.stripe_fake.fixtures import TEST_WEBHOOK_SECRET, fake_stripe, fake_stripe_server, signed_post

__all__ = ["fake_stripe", "fake_stripe_server"]

pytestmark = pytest.mark.django_db


def _checkout(fake, *, frequency="monthly", amount=1000, language="ja", key="k"):
    session = stripe_api.create_checkout_session(
        amount_jpy=amount,
        frequency=frequency,
        locale=language,
        metadata={"page_id": "1", "tier": str(amount), "language": language},
        idempotency_key=f"{key}-{time.time_ns()}",
        success_url="http://testserver/s",
        cancel_url="http://testserver/c",
    )
    return session


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    """Post events one by one; what each schedules after its commit runs before the next is posted."""

    def post(events):
        for event in events:
            with django_capture_on_commit_callbacks(execute=True):
                response = signed_post(client, event)
            assert response.status_code == 200, response.content

    return post


def test_monthly_gift_records_one_member_and_one_donation(client, deliver, fake_stripe):
    session = _checkout(fake_stripe, amount=5000)
    events = fake_stripe.complete_checkout(session.id, email="Hanako.Yamada@Example.org", name="山田 花子")
    deliver(events)

    donor = Donor.objects.get()
    assert donor.email == "hanako.yamada@example.org"
    assert (donor.family_name, donor.given_name) == ("山田", "花子")
    assert donor.source == Donor.Source.STRIPE
    assert donor.stripe_customer_id.startswith("cus_test_")
    recurring = RecurringDonation.objects.get()
    assert (recurring.amount, recurring.currency, recurring.status) == (5000, "JPY", "active")
    donation = Donation.objects.get()
    assert (donation.amount, donation.currency, donation.recurring_donation) == (5000, "JPY", recurring)
    # Unknown types (invoice.created, customer.created...) are acknowledged and kept as ignored;
    # charge.succeeded is processed for the card's expiry.
    assert StripeEvent.objects.filter(status="ignored").count() == 3
    assert StripeEvent.objects.filter(status="processed").count() == 4
    # The thank-you email goes out once, in the donor's language, with the yen amount as typed.
    assert len(mail.outbox) == 1
    assert "¥5,000" in mail.outbox[0].body and "ありがとう" in mail.outbox[0].subject


def test_one_off_gift_in_english(client, deliver, fake_stripe):
    session = _checkout(fake_stripe, frequency="once", amount=3000, language="en")
    deliver(fake_stripe.complete_checkout(session.id, email="jane@example.org", name="Jane Doe"))
    donation = Donation.objects.get()
    assert (donation.amount, donation.recurring_donation, donation.status) == (3000, None, "succeeded")
    assert donation.external_id.startswith("pi_test_")
    donor = donation.donor
    assert (donor.family_name, donor.given_name, donor.preferred_language) == ("Doe", "Jane", "en")
    assert RecurringDonation.objects.count() == 0
    assert mail.outbox[0].subject.startswith("Thank you") and "¥3,000" in mail.outbox[0].body


def test_sequential_duplicates_record_one_donation(client, deliver, fake_stripe):
    session = _checkout(fake_stripe)
    events = fake_stripe.complete_checkout(session.id)
    for _ in range(3):
        deliver(events)
    assert Donation.objects.count() == 1
    assert RecurringDonation.objects.count() == 1
    assert StripeEvent.objects.count() == len(events)
    assert len(mail.outbox) == 1
    response = signed_post(client, events[0])
    assert response.json()["duplicate"] is True


def test_invoice_paid_before_checkout_session_still_one_of_each(client, deliver, fake_stripe):
    session = _checkout(fake_stripe)
    events = fake_stripe.complete_checkout(session.id, email="late@example.org")
    deliver(list(reversed(events)))
    assert Donor.objects.count() == 1
    assert RecurringDonation.objects.count() == 1
    assert Donation.objects.count() == 1
    assert RecurringDonation.objects.get().status == "active"


def test_subscription_event_before_donor_is_known_waits_then_applies(client, deliver, fake_stripe):
    session = _checkout(fake_stripe)
    events = fake_stripe.complete_checkout(session.id, email="wait@example.org")
    created = next(e for e in events if e["type"] == "customer.subscription.created")
    deliver([created])
    assert StripeEvent.objects.get(event_id=created["id"]).status == "pending"
    deliver([e for e in events if e is not created])
    assert StripeEvent.objects.get(event_id=created["id"]).status == "processed"
    assert RecurringDonation.objects.get().status == "active"


def test_failed_payment_then_paid_moves_past_due_and_back(client, deliver, fake_stripe):
    now = int(time.time())
    session = _checkout(fake_stripe)
    deliver(fake_stripe.complete_checkout(session.id, created=now - 100))
    subscription_id = RecurringDonation.objects.get().external_id
    deliver(fake_stripe.renew(subscription_id, paid=False, created=now - 50))
    assert RecurringDonation.objects.get().status == "past_due"
    deliver(fake_stripe.renew(subscription_id, paid=True, created=now))
    recurring = RecurringDonation.objects.get()
    assert recurring.status == "active"
    assert list(Donation.objects.values_list("amount", flat=True)) == [1000, 1000]


def test_older_subscription_update_does_not_roll_back(client, deliver, fake_stripe):
    now = int(time.time())
    session = _checkout(fake_stripe)
    deliver(fake_stripe.complete_checkout(session.id, created=now - 100))
    subscription_id = RecurringDonation.objects.get().external_id
    stale_active = fake_stripe.event(
        "customer.subscription.updated", fake_stripe.get(subscription_id), created=now - 10
    )
    newer_past_due = fake_stripe.renew(subscription_id, paid=False, created=now)
    deliver(newer_past_due)
    deliver([stale_active])
    assert RecurringDonation.objects.get().status == "past_due"
    assert StripeEvent.objects.get(event_id=stale_active["id"]).status == "processed"


def test_cancel_ends_membership_for_good_and_signals(client, deliver, fake_stripe):
    now = int(time.time())
    received = []

    def receiver(sender, donor, recurring_donation, **kwargs):
        received.append((donor.pk, recurring_donation.pk))

    membership_ended.connect(receiver)
    try:
        session = _checkout(fake_stripe)
        deliver(fake_stripe.complete_checkout(session.id, created=now - 100))
        recurring = RecurringDonation.objects.get()
        deliver(fake_stripe.cancel(recurring.external_id, created=now))
        # A late renewal for the same second must not resurrect a canceled membership.
        late = fake_stripe.event(
            "customer.subscription.updated",
            fake_stripe.get(recurring.external_id) | {"status": "active"},
            created=now,
        )
        deliver([late])
    finally:
        membership_ended.disconnect(receiver)
    recurring.refresh_from_db()
    assert recurring.status == "canceled" and recurring.canceled_at is not None
    assert received == [(recurring.donor_id, recurring.pk)]


def test_pause_and_resume(client, deliver, fake_stripe):
    now = int(time.time())
    session = _checkout(fake_stripe)
    deliver(fake_stripe.complete_checkout(session.id, created=now - 100))
    subscription_id = RecurringDonation.objects.get().external_id
    deliver(fake_stripe.pause(subscription_id, created=now - 50))
    assert RecurringDonation.objects.get().status == "paused"
    deliver(fake_stripe.resume(subscription_id, created=now))
    assert RecurringDonation.objects.get().status == "active"


def test_amount_change_in_portal_updates_membership(client, deliver, fake_stripe):
    now = int(time.time())
    session = _checkout(fake_stripe)
    deliver(fake_stripe.complete_checkout(session.id, created=now - 100))
    subscription_id = RecurringDonation.objects.get().external_id
    deliver(fake_stripe.update_subscription_amount(subscription_id, 10000, created=now))
    assert RecurringDonation.objects.get().amount == 10000


def test_refund_marks_the_donation_refunded(client, deliver, fake_stripe):
    session = _checkout(fake_stripe, frequency="once")
    events = fake_stripe.complete_checkout(session.id)
    deliver(events)
    charge_id = next(e for e in events if e["type"] == "charge.succeeded")["data"]["object"]["id"]
    deliver(fake_stripe.refund(charge_id))
    assert Donation.objects.get().status == "refunded"


def test_returning_one_off_donor_matched_by_email(client, deliver, fake_stripe):
    Donor.objects.create(email="known@example.org", family_name="既存", source=Donor.Source.MANUAL)
    session = _checkout(fake_stripe, frequency="once")
    deliver(fake_stripe.complete_checkout(session.id, email="KNOWN@example.org"))
    donor = Donor.objects.get()
    assert donor.family_name == "既存" and donor.source == "manual"
    assert donor.stripe_customer_id.startswith("cus_test_")
    assert Donation.objects.get().donor == donor


# ---- what is refused: nothing changes ---------------------------------------------------------------


def _valid_event(fake):
    return fake.event(
        "checkout.session.completed",
        {
            "id": "cs_test_x",
            "object": "checkout.session",
            "payment_status": "paid",
            "mode": "payment",
            "payment_intent": "pi_test_x",
            "amount_total": 1000,
            "currency": "jpy",
            "customer": "cus_test_x",
            "customer_details": {"email": "x@example.org"},
        },
    )


def test_missing_signature_is_refused(client, deliver, fake_stripe):
    body = json.dumps(_valid_event(fake_stripe)).encode()
    response = client.post("/stripe/webhook/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0 and Donation.objects.count() == 0


def test_bad_signature_is_refused(client, deliver, fake_stripe):
    response = signed_post(client, _valid_event(fake_stripe), secret="whsec_wrong")
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0 and Donation.objects.count() == 0


def test_tampered_body_is_refused(client, deliver, fake_stripe):
    event = _valid_event(fake_stripe)
    body = json.dumps(event).encode()
    header = sign_payload(body, TEST_WEBHOOK_SECRET)
    tampered = body.replace(b'"amount_total": 1000', b'"amount_total": 9000')
    response = client.post(
        "/stripe/webhook/", data=tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0


def test_stale_timestamp_is_refused(client, deliver, fake_stripe):
    response = signed_post(client, _valid_event(fake_stripe), timestamp=int(time.time()) - 301)
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0 and Donation.objects.count() == 0


def test_malformed_json_is_refused(client, deliver, fake_stripe):
    response = signed_post(client, b'{"id": "evt_1", "type": ')
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0


def test_unknown_event_type_is_acknowledged_and_ignored(client, deliver, fake_stripe):
    event = fake_stripe.event("customer.tax_id.created", {"id": "txi_1", "object": "tax_id"})
    response = signed_post(client, event)
    assert response.status_code == 200
    stored = StripeEvent.objects.get()
    assert (stored.status, stored.type, stored.payload["id"]) == (
        "ignored",
        "customer.tax_id.created",
        event["id"],
    )


def test_webhook_without_secret_is_unavailable_not_crashing(client, deliver, fake_stripe, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = signed_post(client, _valid_event(fake_stripe))
    assert response.status_code == 503
    assert StripeEvent.objects.count() == 0


def test_event_that_fails_is_kept_with_its_error_and_can_be_retried(client, deliver, fake_stripe):
    from crm.payments.services.events import stripe_event_retry

    broken = fake_stripe.event(
        "checkout.session.completed",
        {
            "id": "cs_test_broken",
            "object": "checkout.session",
            "payment_status": "paid",
            "mode": "payment",
            "payment_intent": "pi_test_broken",
            "amount_total": 1000,
            "currency": "jpy",
            "customer": None,
            "customer_details": {"email": None},
        },
    )
    response = signed_post(client, broken)
    assert response.status_code == 200  # stored, so Stripe must not redeliver
    stored = StripeEvent.objects.get()
    assert stored.status == "failed" and "without customer or email" in stored.error and stored.attempts == 1
    assert Donation.objects.count() == 0
    # The data is fixed (here: by editing the payload, as support would after contacting the donor).
    stored.payload["data"]["object"]["customer_details"]["email"] = "fixed@example.org"
    stored.save(update_fields=["payload"])
    retried = stripe_event_retry(stripe_event_id=stored.pk)
    assert retried.status == "processed" and retried.error == "" and retried.attempts == 2
    assert Donation.objects.get().donor.email == "fixed@example.org"
