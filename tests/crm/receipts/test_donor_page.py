"""The donor's own page: signed link, gifts, downloads, statements, delivery choice."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from crm.factories import DonationFactory, DonorFactory
from crm.models import Donation, Donor, Receipt
from crm.receipts import services
from tests.crm.receipts.helpers import pdf_pages

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=TOKYO)
pytestmark = pytest.mark.django_db


@time_machine.travel(NOW, tick=False)
def test_a_donor_asks_for_the_link_and_the_answer_does_not_reveal_the_address(client):
    donor = DonorFactory(email="hana@example.org", preferred_language="en")
    url = reverse("receipts_donor_request")
    for address in ("hana@example.org", "nobody@example.org"):
        response = client.post(url, {"email": address, "lang": "en"})
        assert response.status_code == 200
        assert "we have sent it a link" in response.content.decode()
    [message] = mail.outbox
    assert message.to == [donor.email] and "/my-gifts/" in message.body
    assert client.post(url, {"email": "not-an-address"}).status_code == 400


@time_machine.travel(NOW, tick=False)
def test_the_page_lists_gifts_and_downloads_receipts_and_statements(client):
    donor = DonorFactory(family_name="佐藤", given_name="花子")
    DonationFactory(donor=donor, amount=3000, received_at=NOW - datetime.timedelta(days=400))
    recent = DonationFactory(donor=donor, amount=5000, received_at=NOW - datetime.timedelta(days=3))
    refunded = DonationFactory(
        donor=donor,
        amount=2000,
        amount_refunded=2000,
        status=Donation.Status.REFUNDED,
        received_at=NOW - datetime.timedelta(days=2),
    )
    other = DonationFactory(amount=9999)
    token = services.donor_page_token_make(donor=donor)
    page = client.get(reverse("receipts_donor_page", args=[token]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "￥5,000円" in html and "￥3,000円" in html
    assert reverse("receipts_donor_statement", args=[token, 2025]) in html
    assert reverse("receipts_donor_gift_receipt", args=[token, refunded.pk]) not in html

    response = client.get(reverse("receipts_donor_gift_receipt", args=[token, recent.pk]))
    assert response["Content-Type"] == "application/pdf"
    number = Receipt.objects.get(donation=recent).number
    assert number in pdf_pages(response.content)[0]
    # The same receipt again: the same number, not a new one.
    client.get(reverse("receipts_donor_gift_receipt", args=[token, recent.pk]))
    assert Receipt.objects.filter(donation=recent).count() == 1
    assert client.get(reverse("receipts_donor_gift_receipt", args=[token, other.pk])).status_code == 404

    statement = client.get(reverse("receipts_donor_statement", args=[token, 2025]))
    text = pdf_pages(statement.content)[0]
    assert "年間寄付金領収書" in text and "￥3,000円" in text and "A2025-000001" in text
    assert client.get(reverse("receipts_donor_statement", args=[token, 2019])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_choosing_post_for_the_future(client):
    donor = DonorFactory()
    url = reverse("receipts_donor_page", args=[services.donor_page_token_make(donor=donor)])
    response = client.post(url, {"receipt_delivery": "post"})
    assert response.status_code == 302
    assert Donor.objects.get(pk=donor.pk).receipt_delivery == "post"
    assert (
        "Saved" in client.get(response["Location"]).content.decode()
        or "保存" in client.get(response["Location"]).content.decode()
    )
    assert client.post(url, {"receipt_delivery": "fax"}).status_code == 400


def test_forged_or_expired_links_are_refused(client):
    donor = DonorFactory()
    with time_machine.travel(NOW, tick=False):
        token = services.donor_page_token_make(donor=donor)
    with time_machine.travel(NOW + datetime.timedelta(days=91), tick=False):
        assert client.get(reverse("receipts_donor_page", args=[token])).status_code == 410
    assert client.get(reverse("receipts_donor_page", args=[token + "x"])).status_code == 410


def test_the_monthly_gift_self_service_page_links_to_the_donors_own_page(client):
    japanese = client.get("/donate/manage/").content.decode()
    assert 'href="/my-gifts/?lang=ja"' in japanese and "ご寄付の記録と領収書" in japanese
    english = client.get("/en/donate/manage/").content.decode()
    assert 'href="/my-gifts/?lang=en"' in english and "Your gifts and receipts" in english
    assert "ご寄付に使ったメールアドレス" in client.get("/my-gifts/?lang=ja").content.decode()
