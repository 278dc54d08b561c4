"""Donor self-service: "manage my monthly gift" emails a signed, expiring, one-time link that opens
the Stripe Customer Portal; the page never tells whether an address is known."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core import mail

from crm.models import Donor, RecurringDonation
from crm.payments.services import portal as stripe_portal
from tests.stripe_fake.fixtures import fake_stripe, fake_stripe_server

__all__ = ["fake_stripe", "fake_stripe_server"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(fake_stripe):
    customer = fake_stripe.create_customer({"email": "member@example.org"})
    donor = Donor.objects.create(
        email="member@example.org",
        family_name="会員",
        preferred_language="ja",
        stripe_customer_id=customer["id"],
        source=Donor.Source.STRIPE,
    )
    RecurringDonation.objects.create(donor=donor, amount=1000, external_id="sub_test_member")
    return donor


def _link_from(email_body: str) -> str:
    return re.search(r"http://testserver(/\S+)", email_body).group(1)


def test_same_answer_for_known_and_unknown_addresses(client, member):
    known = client.post("/donate/manage/", {"email": "MEMBER@example.org"})
    unknown = client.post("/donate/manage/", {"email": "stranger@example.org"})
    assert known.status_code == unknown.status_code == 200

    def scrub(response, email):
        return response.content.decode().replace(email, "EMAIL").replace("MEMBER@example.org", "EMAIL")

    assert scrub(known, "MEMBER@example.org") == scrub(unknown, "stranger@example.org")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["member@example.org"]


def test_one_off_donor_without_monthly_gift_gets_no_link(client, fake_stripe):
    Donor.objects.create(email="once@example.org", stripe_customer_id="cus_test_once", source="stripe")
    response = client.post("/donate/manage/", {"email": "once@example.org"})
    assert response.status_code == 200
    assert mail.outbox == []


def test_link_opens_the_portal_once(client, fake_stripe, member):
    client.post("/donate/manage/", {"email": "member@example.org"})
    link = _link_from(mail.outbox[0].body)
    assert link.startswith("/donate/manage/")
    # GET only shows a button: mail scanners that follow links do not use it up.
    assert client.get(link).status_code == 200
    assert fake_stripe.requests_to("/v1/billing_portal/sessions") == []
    response = client.post(link)
    assert response.status_code == 303
    assert response["Location"].startswith(f"{fake_stripe.base_url}/portal/bps_test_")
    sent = fake_stripe.requests_to("/v1/billing_portal/sessions")[-1].params
    assert sent["customer"] == member.stripe_customer_id
    assert sent["return_url"] == "http://testserver/donate/manage/"
    again = client.post(link)
    assert again.status_code == 410
    assert len(fake_stripe.requests_to("/v1/billing_portal/sessions")) == 1


def test_link_expires(client, fake_stripe, member):
    with time_machine.travel("2030-01-01 00:00 +0000", tick=False):
        token = stripe_portal.manage_gift_token_make(donor=member)
    with time_machine.travel("2030-01-01 03:00 +0000", tick=False):
        response = client.post(f"/donate/manage/{token}/")
    assert response.status_code == 410
    assert fake_stripe.requests_to("/v1/billing_portal/sessions") == []


def test_forged_link_is_refused(client, fake_stripe, member):
    token = stripe_portal.manage_gift_token_make(donor=member)
    forged = token.replace(token.split(":")[0], token.split(":")[0][:-2] + "xx")
    assert client.post(f"/donate/manage/{forged}/").status_code == 410


def test_english_email_for_english_donor(client, fake_stripe, member):
    member.preferred_language = "en"
    member.save()
    client.post("/en/donate/manage/", {"email": "member@example.org"})
    assert mail.outbox[0].subject.startswith("Your link to manage")
    assert "/en/donate/manage/" in mail.outbox[0].body
