"""Public forms that send email or cost money are limited per visitor address and per email, in the
shared cache, and the visitor is told so (429 with a message), never silently dropped."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db

NEWSLETTER = "/newsletter/"


@pytest.fixture(autouse=True)
def _limits_on(settings):
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    yield
    cache.clear()


def _sign_up(client: Client, email: str, address: str, **extra):
    return client.post(
        NEWSLETTER,
        {"family_name": "山田", "given_name": "花子", "email": email, "language": "ja", "website": ""},
        REMOTE_ADDR=address,
        **extra,
    )


def test_newsletter_limits_one_email_even_from_many_addresses():
    client = Client()
    for n in range(3):
        assert _sign_up(client, "hana@example.org", f"198.51.100.{n + 1}").status_code == 302
    refused = _sign_up(client, "HANA@example.org", "198.51.100.99")
    assert refused.status_code == 429
    assert (
        "Please try again later" in refused.content.decode()
        or "しばらく" in refused.content.decode()
        or "時間" in refused.content.decode()
    )


def test_newsletter_limits_one_address_and_tells_the_visitor():
    client = Client()
    for n in range(5):
        assert _sign_up(client, f"p{n}@example.org", "203.0.113.5").status_code == 302
    assert _sign_up(client, "p9@example.org", "203.0.113.5").status_code == 429
    # Someone else is not affected.
    assert _sign_up(client, "other@example.org", "203.0.113.6").status_code == 302


def test_behind_the_proxy_each_visitor_has_its_own_limit(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    for n in range(5):
        _sign_up(client, f"q{n}@example.org", "10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert _sign_up(client, "q9@example.org", "10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert _sign_up(client, "r@example.org", "10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 302


def test_manage_my_gift_sends_one_link_per_email_per_window():
    client = Client()
    first = client.post("/en/donate/manage/", {"email": "member@example.org"}, REMOTE_ADDR="192.0.2.10")
    assert first.status_code == 200
    for n in range(5):
        again = client.post(
            "/en/donate/manage/", {"email": "member@example.org"}, REMOTE_ADDR=f"192.0.2.{20 + n}"
        )
        assert again.status_code == 429
        assert "wait about ten minutes" in again.content.decode()


def test_donation_checkout_is_limited_per_address(settings, site_tree):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "checkout": {"address": "2/h"}}
    client = Client()
    url = site_tree["en_donation"].url
    form = {"frequency": "monthly", "amount": "3000"}
    for _ in range(2):
        assert client.post(url, form, REMOTE_ADDR="192.0.2.30").status_code != 429
    refused = client.post(url, form, REMOTE_ADDR="192.0.2.30")
    assert refused.status_code == 429
    assert "too many requests" in refused.content.decode()


def test_password_reset_sends_one_email_per_address_per_window():
    get_user_model().objects.create_user(
        username="staff", email="staff@example.org", password="x" * 20, is_staff=True
    )
    client = Client()
    first = client.post("/admin/password_reset/", {"email": "staff@example.org"}, REMOTE_ADDR="192.0.2.40")
    assert first.status_code == 302
    assert len(mail.outbox) == 1
    for n in range(3):
        again = client.post(
            "/admin/password_reset/", {"email": "staff@example.org"}, REMOTE_ADDR=f"192.0.2.{41 + n}"
        )
        assert again.status_code == 429
        assert "wait ten minutes" in again.content.decode() or "10" in again.content.decode()
    assert len(mail.outbox) == 1


def test_fifty_manage_my_gift_requests_for_one_member_send_one_email():
    from crm.factories import DonorFactory, RecurringDonationFactory

    member = DonorFactory(email="member50@example.org", stripe_customer_id="cus_50")
    RecurringDonationFactory(donor=member, external_id="sub_50")
    mail.outbox.clear()
    answers = [
        Client().post(
            "/en/donate/manage/", {"email": "member50@example.org"}, REMOTE_ADDR=f"198.51.100.{n % 3}"
        )
        for n in range(50)
    ]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["member50@example.org"]
    assert [a.status_code for a in answers].count(200) == 1
    assert {a.status_code for a in answers[1:]} == {429}
