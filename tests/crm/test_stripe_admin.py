"""The Stripe events log in the Wagtail admin: failed events are listed and can be retried."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

import crm.payments.viewsets  # noqa: F401  (joins the CRM menu before the admin URLs load)
from crm.models import Donation
from crm.payments.models import StripeEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


def _failed_event() -> StripeEvent:
    payload = {
        "id": "evt_test_failed",
        "object": "event",
        "type": "checkout.session.completed",
        "created": 1_700_000_000,
        "data": {
            "object": {
                "id": "cs_test_1",
                "object": "checkout.session",
                "mode": "payment",
                "payment_status": "paid",
                "payment_intent": "pi_test_1",
                "amount_total": 2000,
                "currency": "jpy",
                "customer": "cus_test_1",
                "customer_details": {"email": "retry@example.org", "name": "Retry Donor"},
            }
        },
    }
    return StripeEvent.objects.create(
        event_id="evt_test_failed",
        type=payload["type"],
        payload=payload,
        created=dt.datetime(2023, 11, 14, tzinfo=dt.UTC),
        status="failed",
        error="OperationalError: database is locked",
        attempts=1,
    )


def test_failed_events_are_listed_with_a_retry_action(admin_client):
    event = _failed_event()
    response = admin_client.get("/admin/crm/stripe-events/?status=failed")
    assert response.status_code == 200
    body = response.content.decode()
    assert "evt_test_failed" in body
    assert f"/admin/crm/stripe-events/retry/{event.pk}/" in body
    inspect = admin_client.get(f"/admin/crm/stripe-events/inspect/{event.pk}/")
    assert inspect.status_code == 200 and "database is locked" in inspect.content.decode()


def test_retry_processes_the_event(admin_client):
    event = _failed_event()
    confirm = admin_client.get(f"/admin/crm/stripe-events/retry/{event.pk}/")
    assert confirm.status_code == 200
    assert Donation.objects.count() == 0  # GET only asks
    response = admin_client.post(f"/admin/crm/stripe-events/retry/{event.pk}/")
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.error, event.attempts) == ("processed", "", 2)
    assert Donation.objects.get().amount == 2000


def test_retry_needs_a_staff_login(client):
    event = _failed_event()
    response = client.post(f"/admin/crm/stripe-events/retry/{event.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    event.refresh_from_db()
    assert event.status == "failed"
