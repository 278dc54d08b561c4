"""The fundraisers' screens for failed payments: the "Failed payments" queue (next retry, emails
sent), the donor's timeline, the at-risk report's card column and the recovery chart; refused to
Communications staff."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from crm.factories import DonorFactory, RecurringDonationFactory
from crm.interactions.models import Interaction
from crm.payments.models import PaymentCard, PaymentRecovery, RecoveryEmail
from tests.crm.test_admin_fixtures import communications_fixture, fundraiser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2030, 3, 10, 3, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def recoveries():
    donor = DonorFactory(
        family_name="山田", given_name="花子", email="hanako@example.org", stripe_customer_id="cus_1"
    )
    membership = RecurringDonationFactory(donor=donor, amount=36000, interval="year", status="past_due")
    open_one = PaymentRecovery.objects.create(
        recurring_donation=membership,
        donor=donor,
        invoice_id="in_open",
        amount=36000,
        failed_at=NOW - dt.timedelta(days=4),
        last_failed_at=NOW - dt.timedelta(days=4),
        next_retry_at=NOW + dt.timedelta(days=1),
        attempt_count=2,
    )
    RecoveryEmail.objects.create(recovery=open_one, step="failed", sent_at=NOW - dt.timedelta(days=4))
    RecoveryEmail.objects.create(recovery=open_one, step="day_3", sent_at=NOW - dt.timedelta(days=1))
    other = RecurringDonationFactory(amount=3000, status="active")
    PaymentRecovery.objects.create(
        recurring_donation=other,
        donor=other.donor,
        invoice_id="in_done",
        amount=3000,
        failed_at=NOW - dt.timedelta(days=40),
        last_failed_at=NOW - dt.timedelta(days=40),
        status="recovered",
        closed_at=NOW - dt.timedelta(days=36),
    )
    Interaction.objects.create(donor=donor, kind="note", summary="Renewal payment of ¥36,000 failed")
    PaymentCard.objects.create(
        customer_id="cus_1", brand="visa", last4="4242", exp_month=4, exp_year=2030, seen_at=NOW
    )
    return open_one


def test_the_failed_payments_queue_shows_next_retry_and_emails_sent(client, fundraiser, recoveries):
    client.force_login(fundraiser)
    html = client.get("/admin/crm/failed-payments/").content.decode()
    assert "山田" in html and "¥36,000" in html and "Yearly" in html
    assert "Failed, being recovered" in html and "Recovered" in html
    open_only = client.get("/admin/crm/failed-payments/?status=open").content.decode()
    assert "¥36,000" in open_only and "¥3,000" not in open_only
    inspect = client.get(f"/admin/crm/failed-payments/inspect/{recoveries.pk}/").content.decode()
    assert "Reminder after 3 days: 2030-03-09" in inspect and "in_open" in inspect
    response = client.get("/admin/crm/failed-payments/?export=csv")
    export = b"".join(response.streaming_content).decode()
    assert "in_open" in export and "in_done" in export
    record = client.get(f"/admin/crm/donors/inspect/{recoveries.donor_id}/").content.decode()
    assert "Renewal payment of ¥36,000 failed" in record


def test_at_risk_report_shows_the_card_expiry_and_the_dashboard_the_recovery_rate(
    client, fundraiser, recoveries
):
    client.force_login(fundraiser)
    report = client.get("/admin/crm/reports/at-risk/").content.decode()
    assert "山田" in report and "04/2030" in report
    dashboard = client.get("/admin/crm/reports/?start=2029-10&end=2030-03").content.decode()
    assert 'data-chart="recovery"' in dashboard
    csv = client.get("/admin/crm/reports/chart/recovery.csv?start=2029-10&end=2030-03").content.decode()
    assert "2030-01,1,1,0,0,100" in csv.replace("\r", "")  # failed 40 days ago, recovered
    assert "2030-03,1,0,0,1," in csv.replace("\r", "")  # still open: no rate yet for the month


def test_communications_staff_cannot_see_failed_payments(client, communications, recoveries):
    client.force_login(communications)
    for url in ["/admin/crm/failed-payments/", f"/admin/crm/failed-payments/inspect/{recoveries.pk}/"]:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"36,000" not in response.content
