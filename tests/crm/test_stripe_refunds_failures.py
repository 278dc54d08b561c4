"""Partial refunds and failed first payments, end to end through /stripe/webhook/ with the events the
fake Stripe makes for each flow, in both orders of arrival."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from wagtail.users.models import UserProfile

from crm.models import Donation, Donor, RecurringDonation
from crm.payments import client as stripe_api
from crm.payments.models import StripeEvent
from tests.stripe_fake.fixtures import fake_stripe, fake_stripe_server, signed_post

__all__ = ["fake_stripe", "fake_stripe_server"]

pytestmark = pytest.mark.django_db


def _session(*, frequency="once", amount=5000, language="ja"):
    return stripe_api.create_checkout_session(
        amount_jpy=amount,
        frequency=frequency,
        locale=language,
        metadata={"page_id": "1", "tier": str(amount), "language": language},
        idempotency_key=f"r-{time.time_ns()}",
        success_url="http://testserver/s",
        cancel_url="http://testserver/c",
    )


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    def post(events):
        for event in events:
            with django_capture_on_commit_callbacks(execute=True):
                response = signed_post(client, event)
            assert response.status_code == 200, response.content

    return post


def _charge_id(events):
    return next(e for e in events if e["type"] == "charge.succeeded")["data"]["object"]["id"]


# ---- partial refunds ------------------------------------------------------------------------------


def test_partial_refunds_add_up_and_the_last_one_refunds_the_gift(deliver, fake_stripe):
    now = int(time.time())
    events = fake_stripe.complete_checkout(_session(amount=5000).id, created=now - 100)
    deliver(events)
    charge = _charge_id(events)

    deliver(fake_stripe.refund(charge, amount=1500, created=now - 50))
    donation = Donation.objects.get()
    # JPY is zero-decimal: ¥1,500 back is 1500, not 150000 or 15.
    assert (donation.amount_refunded, donation.net_amount, donation.status) == (1500, 3500, "succeeded")

    deliver(fake_stripe.refund(charge, amount=500, created=now - 20))
    donation.refresh_from_db()
    assert (donation.amount_refunded, donation.net_amount, donation.status) == (2000, 3000, "succeeded")

    deliver(fake_stripe.refund(charge, created=now))  # the rest
    donation.refresh_from_db()
    assert (donation.amount_refunded, donation.net_amount, donation.status) == (5000, 0, "refunded")


def test_an_older_or_repeated_refund_event_never_lowers_the_refunded_amount(deliver, fake_stripe):
    now = int(time.time())
    events = fake_stripe.complete_checkout(_session(amount=5000).id, created=now - 100)
    deliver(events)
    charge = _charge_id(events)
    first = fake_stripe.refund(charge, amount=1000, created=now - 10)
    second = fake_stripe.refund(charge, amount=2000, created=now)

    deliver(second)  # Stripe delivers the newer one first
    deliver(first)
    deliver(second + first)  # and retries both
    donation = Donation.objects.get()
    assert (donation.amount_refunded, donation.status) == (3000, "succeeded")
    assert StripeEvent.objects.filter(type="charge.refunded", status="processed").count() == 2


def test_full_refund_delivered_before_a_partial_one_stays_refunded(deliver, fake_stripe):
    events = fake_stripe.complete_checkout(_session(amount=3000).id)
    deliver(events)
    charge = _charge_id(events)
    partial = fake_stripe.refund(charge, amount=1000)
    rest = fake_stripe.refund(charge)
    deliver(rest + partial)
    donation = Donation.objects.get()
    assert (donation.amount_refunded, donation.status) == (3000, "refunded")


def test_refund_of_a_monthly_gift(deliver, fake_stripe):
    events = fake_stripe.complete_checkout(_session(frequency="monthly", amount=10000).id)
    deliver(events)
    deliver(fake_stripe.refund(_charge_id(events), amount=4000))
    donation = Donation.objects.get()
    assert (donation.amount, donation.amount_refunded, donation.status) == (10000, 4000, "succeeded")
    assert RecurringDonation.objects.get().status == "active"  # refunding one month ends nothing


def test_refunds_show_in_the_admin_listing_inspect_and_donor_timeline(client, deliver, fake_stripe):
    events = fake_stripe.complete_checkout(_session(amount=5000).id, email="refund@example.org")
    deliver(events)
    deliver(fake_stripe.refund(_charge_id(events), amount=1200))
    donation = Donation.objects.get()
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "en"  # the labels asserted below are the English ones
    profile.save()
    client.force_login(admin)

    listing = client.get(reverse("crm_donation:index")).content.decode()
    assert "Refunded" in listing and "¥1,200" in listing
    inspect = client.get(reverse("crm_donation:inspect", args=[donation.pk])).content.decode()
    assert "Net amount" in inspect and "¥3,800" in inspect  # what the NPO kept
    timeline = client.get(reverse("crm_donor:inspect", args=[donation.donor_id])).content.decode()
    assert "refunded ¥1,200, kept ¥3,800" in timeline


# ---- failed first payments ------------------------------------------------------------------------


def test_failed_first_monthly_payment_is_one_failed_donation_and_an_incomplete_membership(
    deliver, fake_stripe
):
    session = _session(frequency="monthly", amount=5000)
    pending = fake_stripe.complete_checkout(session.id, email="slow@example.org", payment="pending")
    failed = fake_stripe.settle_async_payment(session.id, succeeded=False)
    assert {e["type"] for e in failed} >= {"invoice.payment_failed", "checkout.session.async_payment_failed"}
    deliver(pending + failed)
    deliver(failed)  # redelivered

    donation = Donation.objects.get()
    assert (donation.status, donation.amount, donation.currency) == ("failed", 5000, "JPY")
    assert donation.external_id.startswith("pi_test_")
    recurring = RecurringDonation.objects.get()
    assert recurring.status == "incomplete" and donation.recurring_donation == recurring
    assert Donor.objects.get().email == "slow@example.org"
    assert not StripeEvent.objects.filter(status__in=["failed", "pending"]).exists()
    assert mail.outbox == []  # nothing to thank for yet


def test_retry_that_pays_the_first_invoice_turns_the_failed_donation_into_the_gift(deliver, fake_stripe):
    now = int(time.time())
    session = _session(frequency="monthly", amount=5000)
    deliver(fake_stripe.complete_checkout(session.id, payment="pending", created=now - 100))
    deliver(fake_stripe.settle_async_payment(session.id, succeeded=False, created=now - 50))
    failed = Donation.objects.get()

    invoice_id = fake_stripe.get(session.id)["invoice"]
    deliver(fake_stripe.pay_invoice(invoice_id, created=now))

    donation = Donation.objects.get()
    assert donation.pk == failed.pk
    assert (donation.status, donation.amount) == ("succeeded", 5000)
    assert RecurringDonation.objects.get().status == "active"
    assert len(mail.outbox) == 1 and "¥5,000" in mail.outbox[0].body


def test_success_delivered_before_the_failure_of_the_same_invoice_keeps_the_gift(deliver, fake_stripe):
    now = int(time.time())
    session = _session(frequency="monthly", amount=1000)
    pending = fake_stripe.complete_checkout(session.id, payment="pending", created=now)
    failed = fake_stripe.settle_async_payment(session.id, succeeded=False, created=now)
    paid = fake_stripe.pay_invoice(fake_stripe.get(session.id)["invoice"], created=now)

    deliver(pending + paid + failed)  # all in the same second, the failure last

    donation = Donation.objects.get()
    assert (donation.status, donation.amount) == ("succeeded", 1000)
    assert RecurringDonation.objects.get().status == "active"


def test_checkout_paid_later_by_bank_records_one_gift(deliver, fake_stripe):
    session = _session(frequency="monthly", amount=10000)
    deliver(fake_stripe.complete_checkout(session.id, payment="pending"))
    assert Donation.objects.count() == 0
    deliver(fake_stripe.settle_async_payment(session.id, succeeded=True))
    donation = Donation.objects.get()
    assert (donation.status, donation.amount) == ("succeeded", 10000)
    assert RecurringDonation.objects.get().status == "active"


def test_one_off_gift_whose_bank_payment_failed(deliver, fake_stripe):
    session = _session(amount=8000)
    pending = fake_stripe.complete_checkout(session.id, email="once@example.org", payment="pending")
    deliver(pending)
    assert Donation.objects.count() == 0  # pending: nothing received yet
    failed = fake_stripe.settle_async_payment(session.id, succeeded=False)
    deliver(failed + failed)

    donation = Donation.objects.get()
    assert (donation.status, donation.amount, donation.recurring_donation) == ("failed", 8000, None)
    assert donation.external_id == fake_stripe.get(session.id)["payment_intent"]
    assert RecurringDonation.objects.count() == 0
    assert mail.outbox == []


def test_one_off_failure_delivered_after_its_success_changes_nothing(deliver, fake_stripe):
    session = _session(amount=8000)
    deliver(fake_stripe.complete_checkout(session.id, payment="pending"))
    deliver(fake_stripe.settle_async_payment(session.id, succeeded=True))
    stale = fake_stripe.event(
        "checkout.session.async_payment_failed", fake_stripe.get(session.id) | {"payment_status": "unpaid"}
    )
    deliver([stale])
    donation = Donation.objects.get()
    assert (donation.status, donation.amount) == ("succeeded", 8000)
    assert len(mail.outbox) == 1


def test_failed_renewal_of_a_membership_without_recorded_gifts_is_past_due(deliver, fake_stripe):
    # A membership the CRM imported has no Stripe gifts behind it: a failed renewal is still a
    # member falling behind (past_due), not a gift that was never paid (incomplete).
    now = int(time.time())
    session = _session(frequency="monthly", amount=1000)
    deliver(fake_stripe.complete_checkout(session.id, created=now - 100))
    Donation.objects.all().delete()
    renewal = fake_stripe.renew(RecurringDonation.objects.get().external_id, paid=False, created=now)
    deliver([e for e in renewal if e["type"] != "customer.subscription.updated"])
    assert RecurringDonation.objects.get().status == "past_due"
    assert Donation.objects.count() == 0  # only a first payment's failure is kept as a donation
