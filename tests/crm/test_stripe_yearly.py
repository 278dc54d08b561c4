"""Yearly gifts end to end: the donation page's third frequency and its own tiers, a Stripe Checkout
subscription with interval=year on the fake, the membership stored as yearly, MRR counting a twelfth,
the 但し書き 年会費として, the donor's page; and what we ask Stripe for, so the donor gets our receipt only."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from wagtail.models import Locale, Page, Site

from crm.giving.models import DonorGiving
from crm.giving.selectors import monthly_recurring_revenue
from crm.management.commands.crm_stats import crm_stats
from crm.models import Donation, Donor, RecurringDonation
from crm.payments import client as stripe_api
from crm.receipts.pdf import issuer_from_settings
from crm.receipts.services import donor_page_token_make, receipt_issue_for_gift
from crm.receipts.services.numbering import receipt_settings
from home import factories
from tests.stripe_fake.fixtures import fake_stripe, fake_stripe_server, signed_post

__all__ = ["fake_stripe", "fake_stripe_server"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def donation_page(db):
    Locale.objects.get_or_create(language_code="ja")
    root = Page.get_first_root_node()
    home = factories.HomePageFactory(parent=root, title="WELgeeファミリー", slug="welgee-home")
    Site.objects.all().delete()
    Site.objects.create(
        hostname="testserver", port=80, root_page=home, is_default_site=True, site_name="WELgee"
    )
    page = factories.DonationPageFactory(
        parent=home,
        title="寄付する",
        slug="donate",
        tiers=[
            ("tier", {"amount_jpy": 1000, "label": "月1000", "description": "", "frequencies": ["monthly"]}),
            ("tier", {"amount_jpy": 12000, "label": "年12000", "description": "", "frequencies": ["yearly"]}),
            ("tier", {"amount_jpy": 5000, "label": "どれでも", "description": "", "frequencies": []}),
        ],
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    def post(events):
        for event in events:
            with django_capture_on_commit_callbacks(execute=True):
                response = signed_post(client, event)
            assert response.status_code == 200, response.content

    return post


def _no_stripe_receipt(params: dict) -> None:
    """Stripe emails its own receipt when a receipt_email is set: ours is the one the donor gets."""
    assert "receipt_email" not in params
    assert "receipt_email" not in (params.get("payment_intent_data") or {})
    assert "customer_email" not in params


def test_the_page_offers_yearly_with_its_own_tiers(client, fake_stripe, donation_page):
    html = client.get(donation_page.url + "?frequency=yearly").content.decode()
    assert 'value="yearly" checked' in html
    assert "¥12,000" in html and 'data-for="yearly"' in html
    # The monthly-only tier is sent hidden (CSS shows it when the visitor picks monthly).
    assert 'data-for="monthly" hidden' in html
    assert donation_page.tier_amounts("yearly") == [12000, 5000]
    assert donation_page.tier_amounts("monthly") == [1000, 5000]


def test_a_yearly_gift_is_a_yearly_checkout_subscription_without_stripes_receipt(
    client, fake_stripe, donation_page
):
    response = client.post(donation_page.url, data={"frequency": "yearly", "amount": "12000"})
    assert response.status_code == 303
    sent = fake_stripe.requests_to("/v1/checkout/sessions")[-1].params
    assert sent["mode"] == "subscription"
    assert sent["line_items"][0]["price_data"]["recurring"] == {"interval": "year"}
    assert sent["line_items"][0]["price_data"]["unit_amount"] == "12000"
    assert sent["metadata"]["frequency"] == "yearly" and sent["metadata"]["tier"] == "12000"
    assert sent["subscription_data"]["metadata"]["frequency"] == "yearly"
    _no_stripe_receipt(sent)

    # A monthly-only tier chosen with "yearly" is still a valid amount, recorded as a custom one.
    client.post(donation_page.url, data={"frequency": "yearly", "amount": "1000"})
    assert fake_stripe.requests_to("/v1/checkout/sessions")[-1].params["metadata"]["tier"] == "custom"


def test_a_one_off_gift_asks_stripe_for_no_receipt_email_either(client, fake_stripe, donation_page):
    client.post(donation_page.url, data={"frequency": "once", "amount": "5000"})
    sent = fake_stripe.requests_to("/v1/checkout/sessions")[-1].params
    assert sent["mode"] == "payment"
    _no_stripe_receipt(sent)


def _checkout(fake_stripe, *, frequency, amount, email, language="ja"):
    session = stripe_api.create_checkout_session(
        amount_jpy=amount,
        frequency=frequency,
        locale=language,
        metadata={"page_id": "1", "tier": str(amount), "frequency": frequency, "language": language},
        idempotency_key=f"y-{time.time_ns()}",
        success_url="http://testserver/s",
        cancel_url="http://testserver/c",
    )
    return fake_stripe.complete_checkout(session.id, email=email)


def test_a_yearly_member_is_stored_yearly_and_counts_a_twelfth_in_mrr(deliver, fake_stripe):
    deliver(_checkout(fake_stripe, frequency="yearly", amount=12000, email="nen@example.org"))
    deliver(_checkout(fake_stripe, frequency="monthly", amount=3000, email="tsuki@example.org"))

    yearly = RecurringDonation.objects.get(donor__email="nen@example.org")
    assert (yearly.interval, yearly.amount, yearly.status) == ("year", 12000, "active")
    assert RecurringDonation.objects.get(donor__email="tsuki@example.org").interval == "month"
    assert DonorGiving.objects.get(donor=yearly.donor).monthly_amount == 1000
    assert monthly_recurring_revenue(currency="JPY") == 4000
    assert crm_stats()["mrr_jpy"] == 4000
    assert crm_stats()["active_members"] == 2
    thanks = next(m for m in mail.outbox if m.to == ["nen@example.org"])
    assert "毎年" in thanks.body and "¥12,000" in thanks.body


def test_the_yearly_renewal_and_a_switch_to_monthly_in_the_portal(deliver, fake_stripe):
    events = _checkout(fake_stripe, frequency="yearly", amount=12000, email="nen@example.org")
    deliver(events)
    subscription_id = next(e for e in events if e["type"] == "checkout.session.completed")["data"]["object"][
        "subscription"
    ]
    renewal = fake_stripe.renew(subscription_id, created=int(time.time()) + 10)
    line = next(e for e in renewal if e["type"] == "invoice.paid")["data"]["object"]["lines"]["data"][0]
    assert line["period"]["end"] - line["period"]["start"] == 365 * 86400
    deliver(renewal)
    recurring = RecurringDonation.objects.get()
    assert recurring.donations.filter(status="succeeded").count() == 2

    deliver(
        fake_stripe.update_subscription_amount(
            subscription_id, 1500, interval="month", created=int(time.time()) + 20
        )
    )
    recurring.refresh_from_db()
    assert (recurring.interval, recurring.amount) == ("month", 1500)
    assert monthly_recurring_revenue(currency="JPY") == 1500


def test_a_membership_first_seen_on_its_invoice_is_yearly_by_its_period(deliver, fake_stripe):
    events = _checkout(fake_stripe, frequency="yearly", amount=24000, email="late@example.org")
    # Only the invoice arrives (the checkout event is lost): the line's one-year period says yearly.
    invoice = next(e for e in events if e["type"] == "invoice.paid")
    invoice["data"]["object"]["parent"]["subscription_details"]["metadata"] = {}
    deliver([invoice])
    assert RecurringDonation.objects.get().interval == "year"


def test_a_yearly_gifts_receipt_says_nenkaihi_and_the_donor_page_says_yearly(client, deliver, fake_stripe):
    deliver(_checkout(fake_stripe, frequency="yearly", amount=12000, email="nen@example.org"))
    donation = Donation.objects.get()
    receipt = receipt_issue_for_gift(donation=donation)
    assert receipt.purpose == "yearly"
    config = receipt_settings()
    assert issuer_from_settings(config, "ja").purpose(receipt.purpose) == "年会費として"
    assert issuer_from_settings(config, "en").purpose("yearly") == "As a yearly membership gift"
    assert issuer_from_settings(config, "ja").purpose("monthly") == "月額会費として"

    donor = Donor.objects.get()
    donor.preferred_language = "en"
    donor.save()
    page = client.get(f"/my-gifts/{donor_page_token_make(donor=donor)}/").content.decode()
    assert "Yearly gift" in page and "Monthly gift" not in page
