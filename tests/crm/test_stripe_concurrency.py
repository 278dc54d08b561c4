"""Duplicate and simultaneous deliveries on PostgreSQL: twenty copies of one event at the same
moment, and a whole checkout's events all at once, still record one donor, one membership and one
donation. (SQLite serialises writers, so these run on PostgreSQL only.)"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from crm.models import Donation, Donor, RecurringDonation
from crm.payments import client as stripe_api
from crm.payments.models import StripeEvent
from tests.stripe_fake.fixtures import fake_stripe, fake_stripe_server, signed_post

__all__ = ["fake_stripe", "fake_stripe_server"]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _post_all_at_once(events: list[dict]) -> list[int]:
    barrier = threading.Barrier(len(events))
    statuses: list[int] = []
    lock = threading.Lock()

    def deliver(event):
        try:
            barrier.wait()
            response = signed_post(Client(), event)
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(event,)) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def _session(fake, frequency):
    return stripe_api.create_checkout_session(
        amount_jpy=5000,
        frequency=frequency,
        locale="ja",
        metadata={"language": "ja"},
        idempotency_key=f"c-{time.time_ns()}",
        success_url="http://testserver/s",
        cancel_url="http://testserver/c",
    )


def test_twenty_concurrent_deliveries_of_one_event_record_one_donation(fake_stripe):
    session = _session(fake_stripe, "once")
    events = fake_stripe.complete_checkout(session.id, email="race@example.org")
    completed = next(e for e in events if e["type"] == "checkout.session.completed")
    statuses = _post_all_at_once([completed] * 20)
    assert statuses == [200] * 20
    assert StripeEvent.objects.count() == 1
    assert StripeEvent.objects.get().status == "processed"
    assert Donation.objects.count() == 1
    assert Donor.objects.count() == 1


def test_a_whole_checkout_delivered_at_once_twice_over(fake_stripe):
    session = _session(fake_stripe, "monthly")
    events = fake_stripe.complete_checkout(session.id, email="burst@example.org")
    statuses = _post_all_at_once(events + events)
    assert statuses == [200] * (2 * len(events))
    assert Donor.objects.count() == 1
    assert RecurringDonation.objects.count() == 1
    assert Donation.objects.count() == 1
    assert not StripeEvent.objects.filter(status__in=["failed", "pending"]).exists()
    assert RecurringDonation.objects.get().status == "active"


def test_first_invoice_failure_and_its_paid_retry_at_once_leave_one_gift(fake_stripe):
    now = int(time.time())
    session = _session(fake_stripe, "monthly")
    pending = fake_stripe.complete_checkout(
        session.id, email="retry@example.org", payment="pending", created=now - 100
    )
    failed = fake_stripe.settle_async_payment(session.id, succeeded=False, created=now - 50)
    paid = fake_stripe.pay_invoice(fake_stripe.get(session.id)["invoice"], created=now)
    statuses = _post_all_at_once(pending + failed + paid)
    assert statuses == [200] * len(pending + failed + paid)
    assert not StripeEvent.objects.filter(status__in=["failed", "pending"]).exists()
    donation = Donation.objects.get()
    assert (donation.status, donation.amount) == ("succeeded", 5000)
    assert Donor.objects.count() == 1
    assert RecurringDonation.objects.get().status == "active"
