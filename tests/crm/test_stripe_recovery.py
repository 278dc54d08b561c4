"""Failed renewals recovered: the donor's email with a card-update link, reminders on day 3 and 7 that
go once however often a webhook is replayed or a worker re-runs, "recovered" when the invoice is paid,
"lost" when the gift ends, and card expiry kept for the "at risk" report. A frozen clock throughout;
every event goes through /stripe/webhook/ with a real Stripe-scheme signature, from the fake Stripe."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from crm.interactions.models import Interaction
from crm.models import Donor, RecurringDonation
from crm.payments import client as stripe_api
from crm.payments.models import CardExpiryReminder, PaymentCard, PaymentRecovery, RecoveryEmail
from crm.payments.selectors import recovery_by_month, recovery_rate
from crm.payments.services.recovery import (
    card_expiry_reminders_send,
    recovery_email_send,
    recovery_followups_send,
)
from crm.payments.tasks import recovery_email_send_task
from crm.reports.selectors import report_donors, report_rule_tree
from tests.stripe_fake.fixtures import fake_stripe, fake_stripe_server, signed_post

__all__ = ["fake_stripe", "fake_stripe_server"]

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2030, 3, 1, 0, 0, tzinfo=dt.UTC)  # 09:00 in Japan
DAY = 86400


def ts(when: dt.datetime) -> int:
    return int(when.timestamp())


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    def post(events):
        for event in events:
            with django_capture_on_commit_callbacks(execute=True):
                response = signed_post(client, event)
            assert response.status_code == 200, response.content

    return post


def _join(
    deliver, fake_stripe, *, frequency="monthly", amount=3000, language="ja", email="hanako@example.org"
):
    session = stripe_api.create_checkout_session(
        amount_jpy=amount,
        frequency=frequency,
        locale=language,
        metadata={"page_id": "1", "tier": str(amount), "frequency": frequency, "language": language},
        idempotency_key=f"rec-{time.time_ns()}",
        success_url="http://testserver/s",
        cancel_url="http://testserver/c",
    )
    deliver(fake_stripe.complete_checkout(session.id, email=email, created=ts(T0) - 40 * DAY))
    mail.outbox.clear()  # the thank-you email of joining
    return fake_stripe.get(session.id)["subscription"]


def _fail(deliver, fake_stripe, subscription_id):
    events = fake_stripe.renew(subscription_id, created=ts(T0), paid=False)
    deliver(events)
    invoice = next(e for e in events if e["type"] == "invoice.payment_failed")["data"]["object"]
    return events, invoice["id"]


def test_a_failed_renewal_emails_the_donor_once_with_a_link_to_update_the_card(clock, deliver, fake_stripe):
    subscription_id = _join(deliver, fake_stripe)
    events, invoice_id = _fail(deliver, fake_stripe, subscription_id)

    recovery = PaymentRecovery.objects.get()
    assert (recovery.invoice_id, recovery.status, recovery.amount, recovery.attempt_count) == (
        invoice_id,
        "open",
        3000,
        1,
    )
    assert recovery.next_retry_at == T0 + dt.timedelta(days=3)  # Stripe's next attempt, from the invoice
    assert RecurringDonation.objects.get().status == "past_due"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hanako@example.org"]
    assert "お支払いができませんでした" in message.subject
    assert "¥3,000" in message.body and "毎月" in message.body
    assert "2030年3月4日" in message.body  # the retry date in Japan time
    assert re.search(r"http://[^\s]+/donate/manage/[^\s/]+/", message.body)

    # Stripe delivers the same events again, and a worker runs the queued email a second time.
    deliver(events)
    assert (
        recovery_email_send_task.enqueue(recovery_id=recovery.pk, step="failed").return_value
        == "already sent"
    )
    assert len(mail.outbox) == 1
    assert PaymentRecovery.objects.count() == 1 and RecoveryEmail.objects.count() == 1
    summaries = set(Interaction.objects.values_list("summary", flat=True))
    assert any("failed" in s.lower() or "失敗" in s for s in summaries)


def test_reminders_on_day_3_and_day_7_then_recovered_when_the_retry_pays(clock, deliver, fake_stripe):
    subscription_id = _join(deliver, fake_stripe)
    _events, invoice_id = _fail(deliver, fake_stripe, subscription_id)
    recovery = PaymentRecovery.objects.get()

    clock.move_to(T0 + dt.timedelta(days=2, hours=23))
    assert recovery_followups_send() == {}

    # Stripe's retry on day 3 fails too: the same failed payment, one more attempt, no new first email.
    clock.move_to(T0 + dt.timedelta(days=3, hours=1))
    deliver(fake_stripe.pay_invoice(invoice_id, created=ts(T0) + 3 * DAY, succeeded=False))
    recovery.refresh_from_db()
    assert (PaymentRecovery.objects.count(), recovery.attempt_count) == (1, 2)
    assert recovery.next_retry_at == T0 + dt.timedelta(days=3 + 5)
    assert recovery_followups_send() == {"sent": 1}
    assert recovery_followups_send() == {}  # the schedule runs twice: nothing twice
    assert [e.step for e in recovery.emails.all()] == ["failed", "day_3"]

    clock.move_to(T0 + dt.timedelta(days=7, hours=2))
    assert recovery_followups_send() == {"sent": 1}
    assert len(mail.outbox) == 3 and "最終" in mail.outbox[-1].subject

    # Day 8: the donor's new card pays the invoice.
    clock.move_to(T0 + dt.timedelta(days=8))
    deliver(fake_stripe.pay_invoice(invoice_id, created=ts(T0) + 8 * DAY))
    recovery.refresh_from_db()
    assert (recovery.status, recovery.closed_at, recovery.next_retry_at) == (
        "recovered",
        T0 + dt.timedelta(days=8),
        None,
    )
    assert RecurringDonation.objects.get().status == "active"
    with translation.override(settings.LANGUAGE_CODE):  # the timeline speaks the site's language
        recovered = gettext("Failed payment of %(amount)s recovered") % {"amount": "¥3,000"}
    assert Interaction.objects.filter(summary=recovered, donor__email="hanako@example.org").exists()
    clock.move_to(T0 + dt.timedelta(days=14))
    assert recovery_followups_send() == {}
    assert len(mail.outbox) == 3

    months = recovery_by_month(start=T0 - dt.timedelta(days=40), end=T0 + dt.timedelta(days=30))
    assert [(m.failed, m.recovered, m.lost, m.rate) for m in months] == [(1, 1, 0, 1.0)]


def test_a_late_first_reminder_sends_only_the_step_due(clock, deliver, fake_stripe):
    subscription_id = _join(deliver, fake_stripe)
    _fail(deliver, fake_stripe, subscription_id)
    clock.move_to(T0 + dt.timedelta(days=9))  # the scheduler was down for a week
    assert recovery_followups_send() == {"sent": 1}
    assert list(RecoveryEmail.objects.values_list("step", flat=True).order_by("pk")) == ["failed", "day_7"]


def test_a_worker_that_crashed_after_recording_a_step_never_sends_it_again(clock, deliver, fake_stripe):
    subscription_id = _join(deliver, fake_stripe)
    _fail(deliver, fake_stripe, subscription_id)
    recovery = PaymentRecovery.objects.get()
    # The row was committed, then the worker died before the email left (no sent_at).
    RecoveryEmail.objects.create(recovery=recovery, step="day_3")
    clock.move_to(T0 + dt.timedelta(days=3, hours=1))
    assert recovery_followups_send() == {}
    assert recovery_email_send(recovery_id=recovery.pk, step="day_3") == "already sent"
    assert len(mail.outbox) == 1


def test_the_membership_ending_unpaid_loses_the_recovery_and_stops_reminders(clock, deliver, fake_stripe):
    subscription_id = _join(deliver, fake_stripe)
    _fail(deliver, fake_stripe, subscription_id)
    clock.move_to(T0 + dt.timedelta(days=20))
    deliver(fake_stripe.cancel(subscription_id, created=ts(T0) + 20 * DAY))
    recovery = PaymentRecovery.objects.get()
    assert (recovery.status, recovery.closed_at) == ("lost", T0 + dt.timedelta(days=20))
    assert recovery_followups_send() == {}
    rate = recovery_rate(start=T0 - dt.timedelta(days=1), end=T0 + dt.timedelta(days=30))
    assert (rate.failed, rate.recovered, rate.lost, rate.rate) == (1, 0, 1, 0.0)


def test_an_english_donor_reads_english_and_the_link_opens_the_portal_days_later(
    client, clock, deliver, fake_stripe
):
    subscription_id = _join(
        deliver, fake_stripe, frequency="yearly", amount=36000, language="en", email="jo@example.org"
    )
    _fail(deliver, fake_stripe, subscription_id)
    message = mail.outbox[0]
    assert message.subject == "We could not take your gift to WELgee"
    assert "yearly gift of ¥36,000" in message.body and "4 March 2030" in message.body
    path = re.search(r"https?://[^/\s]+(/[^\s]+/donate/manage/[^\s/]+/)", message.body).group(1)

    clock.move_to(T0 + dt.timedelta(days=5))  # far beyond the two hours of an asked-for link
    response = client.post(path)
    assert response.status_code == 303
    assert response["Location"].startswith(f"{fake_stripe.base_url}/portal/bps_test_")
    portal = fake_stripe.requests_to("/v1/billing_portal/sessions")[-1].params
    assert portal["customer"] == Donor.objects.get().stripe_customer_id
    assert client.post(path).status_code == 410  # one-time


def test_a_failed_first_payment_is_not_a_renewal_to_recover(clock, deliver, fake_stripe):
    session = stripe_api.create_checkout_session(
        amount_jpy=3000,
        frequency="monthly",
        locale="ja",
        metadata={"page_id": "1", "tier": "3000", "language": "ja"},
        idempotency_key=f"first-{time.time_ns()}",
        success_url="http://testserver/s",
        cancel_url="http://testserver/c",
    )
    deliver(fake_stripe.complete_checkout(session.id, payment="pending", created=ts(T0)))
    deliver(fake_stripe.settle_async_payment(session.id, succeeded=False, created=ts(T0) + 60))
    assert PaymentRecovery.objects.count() == 0


# ---- card expiry -------------------------------------------------------------------------------


def test_a_card_expiring_next_month_puts_the_member_at_risk_and_gets_one_reminder(
    clock, deliver, fake_stripe
):
    fake_stripe.use_card(brand="jcb", last4="0005", exp_month=4, exp_year=2030)
    _join(deliver, fake_stripe)
    donor = Donor.objects.get()
    card = PaymentCard.objects.get()
    assert (card.customer_id, card.brand, card.last4, card.exp_month, card.exp_year) == (
        donor.stripe_customer_id,
        "jcb",
        "0005",
        4,
        2030,
    )
    at_risk = report_donors(report_rule_tree("at_risk"), today=T0.date())
    assert list(at_risk) == [donor]

    assert card_expiry_reminders_send(today=T0.date()) == 1
    assert card_expiry_reminders_send(today=T0.date()) == 0
    assert CardExpiryReminder.objects.count() == 1 and len(mail.outbox) == 1
    assert "JCB ····0005" in mail.outbox[0].body and "2030年4月" in mail.outbox[0].body

    # The donor adds a new card in the portal: no longer at risk. An older event changes nothing.
    old_event = fake_stripe.update_card(
        donor.stripe_customer_id, exp_month=1, exp_year=2030, created=ts(T0) - DAY
    )
    new_event = fake_stripe.update_card(
        donor.stripe_customer_id, exp_month=9, exp_year=2033, created=ts(T0) + 60
    )
    deliver(new_event + old_event)
    card.refresh_from_db()
    assert (card.exp_month, card.exp_year) == (9, 2033)
    assert not report_donors(report_rule_tree("at_risk"), today=T0.date()).exists()


def test_past_due_members_are_at_risk_whatever_their_card(clock, deliver, fake_stripe):
    subscription_id = _join(deliver, fake_stripe)
    assert not report_donors(report_rule_tree("at_risk"), today=T0.date()).exists()
    _fail(deliver, fake_stripe, subscription_id)
    assert report_donors(report_rule_tree("at_risk", language="ja"), today=T0.date()).count() == 1
