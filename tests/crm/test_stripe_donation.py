"""Giving on the site: the DonationPage form's POST, Stripe Checkout on the fake, success/cancel pages,
the "no Stripe keys" mode, Stripe's 429/500s, and the yen amounts end to end."""

from __future__ import annotations

import pytest
from django.core import mail
from wagtail.models import Locale, Page, Site

from crm.models import Donation, RecurringDonation
from crm.payments import client as stripe_api
from crm.payments.models import StripeEvent
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
        parent=home, title="寄付する", slug="donate", not_configured_message="オンライン寄付は準備中です。"
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def english_donation_page(donation_page):
    en = Locale.objects.get_or_create(language_code="en")[0]
    home_en = donation_page.get_parent().specific.copy_for_translation(en)
    home_en.save_revision().publish()
    page = donation_page.copy_for_translation(en)
    page.title = "Donate"
    page.save_revision().publish()
    return page.specific


def _give(client, page, **data):
    return client.post(page.url, data=data)


def test_monthly_tier_redirects_to_checkout_with_the_typed_yen(client, fake_stripe, donation_page):
    response = _give(client, donation_page, frequency="monthly", amount="5000")
    assert response.status_code == 303
    assert response["Location"].startswith(f"{fake_stripe.base_url}/checkout/cs_test_")
    sent = fake_stripe.requests_to("/v1/checkout/sessions")[-1]
    assert sent.params["mode"] == "subscription"
    assert sent.params["line_items"][0]["price_data"] == {
        "currency": "jpy",
        "unit_amount": "5000",
        "product_data": {"name": "寄付する"},
        "recurring": {"interval": "month"},
    }
    assert "submit_type" not in sent.params
    assert sent.params["locale"] == "ja"
    assert sent.params["metadata"] == {
        "page_id": str(donation_page.pk),
        "tier": "5000",
        "frequency": "monthly",
        "language": "ja",
    }
    assert sent.params["success_url"].endswith(
        f"/donate/thanks/?page={donation_page.pk}&session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert sent.headers["idempotency-key"].startswith("donate-")


def test_one_off_custom_amount_is_a_donation_payment(client, fake_stripe, donation_page):
    response = _give(client, donation_page, frequency="once", amount="custom", custom_amount="３,０００円")
    assert response.status_code == 303
    sent = fake_stripe.requests_to("/v1/checkout/sessions")[-1]
    assert sent.params["mode"] == "payment"
    assert sent.params["submit_type"] == "donate"
    assert sent.params["line_items"][0]["price_data"]["unit_amount"] == "3000"
    assert "recurring" not in sent.params["line_items"][0]["price_data"]
    assert sent.params["metadata"]["tier"] == "custom"


def test_english_page_opens_checkout_in_english(client, fake_stripe, english_donation_page):
    assert english_donation_page.url.startswith("/en/")
    response = _give(client, english_donation_page, frequency="once", amount="1000")
    assert response.status_code == 303
    sent = fake_stripe.requests_to("/v1/checkout/sessions")[-1]
    assert sent.params["locale"] == "en" and sent.params["metadata"]["language"] == "en"
    assert "/en/donate/thanks/" in sent.params["success_url"]


def test_double_click_reuses_the_same_checkout_session(client, fake_stripe, donation_page):
    client.get(donation_page.url)  # the browser's CSRF cookie ties the two clicks together
    first = _give(client, donation_page, frequency="monthly", amount="1000")
    second = _give(client, donation_page, frequency="monthly", amount="1000")
    assert first["Location"] == second["Location"]
    assert len(fake_stripe.all("checkout.session")) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"frequency": "monthly", "amount": "custom", "custom_amount": "499"}, "¥500以上"),
        ({"frequency": "monthly", "amount": "custom", "custom_amount": "1000001"}, "¥1,000,000以下"),
        ({"frequency": "monthly", "amount": "custom", "custom_amount": "1000.5"}, "整数"),
        ({"frequency": "monthly", "amount": "custom", "custom_amount": "-1000"}, "整数"),
        ({"frequency": "monthly", "amount": "custom", "custom_amount": ""}, "金額を選ぶか"),
        ({"frequency": "weekly", "amount": "1000"}, "「毎月」「毎年」「今回のみ」"),
    ],
)
def test_invalid_amounts_are_refused_with_a_clear_message(client, fake_stripe, donation_page, data, message):
    response = _give(client, donation_page, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert fake_stripe.requests_to("/v1/checkout/sessions") == []


def test_editor_bounds_apply(client, fake_stripe, donation_page):
    donation_page.min_amount_jpy = 2000
    donation_page.save_revision().publish()
    response = _give(client, donation_page, frequency="once", amount="custom", custom_amount="1500")
    assert response.status_code == 400 and "¥2,000以上" in response.content.decode()


def test_english_messages(client, fake_stripe, english_donation_page):
    response = _give(client, english_donation_page, frequency="once", amount="custom", custom_amount="12.5")
    assert response.status_code == 400
    assert "whole number of yen" in response.content.decode()


def test_without_stripe_keys_the_page_renders_and_explains(client, donation_page, settings):
    settings.STRIPE_SECRET_KEY = ""
    assert client.get(donation_page.url).status_code == 200
    response = _give(client, donation_page, frequency="monthly", amount="1000")
    assert response.status_code == 503
    assert "オンライン寄付は準備中です。" in response.content.decode()


@pytest.mark.parametrize("status", [429, 500])
def test_stripe_errors_on_checkout_show_a_clear_message_and_record_nothing(
    client, fake_stripe, donation_page, status
):
    fake_stripe.fail_next(status, count=5, path_prefix="/v1/checkout/sessions")
    response = _give(client, donation_page, frequency="monthly", amount="1000")
    assert response.status_code == 503 if status == 429 else response.status_code in (502, 503)
    body = response.content.decode()
    assert "お支払いはまだ行われていません" in body
    # The SDK retries a 500 (once, per the test settings); a plain 429 is not retried.
    assert len(fake_stripe.requests_to("/v1/checkout/sessions")) == (2 if status == 500 else 1)
    assert fake_stripe.all("checkout.session") == []
    assert Donation.objects.count() == 0 and RecurringDonation.objects.count() == 0


def test_stripe_timeout_shows_a_clear_message(client, fake_stripe, donation_page, settings):
    settings.STRIPE_TIMEOUT_SECONDS = 0.3
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    fake_stripe.stall_next(1.0, path_prefix="/v1/checkout/sessions")
    response = _give(client, donation_page, frequency="once", amount="1000")
    assert response.status_code == 503
    assert "混み合っています" in response.content.decode()


def test_cancel_page_in_the_donors_language(client, donation_page, english_donation_page):
    ja = client.get(f"/donate/canceled/?page={donation_page.pk}")
    en = client.get(f"/en/donate/canceled/?page={english_donation_page.pk}")
    assert "ご寄付は完了していません" in ja.content.decode()
    assert "Your gift was not completed" in en.content.decode()
    assert english_donation_page.url in en.content.decode()


def test_yen_is_never_multiplied_or_divided(
    client, fake_stripe, donation_page, django_capture_on_commit_callbacks
):
    """¥1,000 typed -> unit_amount 1000 at Stripe -> Donation.amount 1000 -> "¥1,000" on the pages and email."""
    response = _give(client, donation_page, frequency="once", amount="1000")
    session_id = response["Location"].rsplit("/", 1)[-1]
    assert (
        fake_stripe.requests_to("/v1/checkout/sessions")[-1].params["line_items"][0]["price_data"][
            "unit_amount"
        ]
        == "1000"
    )
    assert fake_stripe.get(session_id)["amount_total"] == 1000
    for event in fake_stripe.complete_checkout(session_id, email="yen@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            assert signed_post(client, event).status_code == 200
    donation = Donation.objects.get()
    assert (donation.amount, donation.currency) == (1000, "JPY")
    thanks = client.get(f"/donate/thanks/?page={donation_page.pk}&session_id={session_id}").content.decode()
    assert "¥1,000" in thanks and "¥100,000" not in thanks and "¥10<" not in thanks
    assert "¥1,000" in mail.outbox[0].body
    assert StripeEvent.objects.filter(status="failed").count() == 0


def test_success_page_without_stripe_still_thanks(client, donation_page, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = client.get(f"/donate/thanks/?page={donation_page.pk}&session_id=cs_test_x")
    assert response.status_code == 200
    assert "ご寄付ありがとうございます" in response.content.decode()


def test_client_refuses_non_integer_yen(fake_stripe):
    with pytest.raises(ValueError):
        stripe_api.create_checkout_session(
            amount_jpy=1000.0,
            frequency="once",
            locale="ja",
            metadata={},  # type: ignore[arg-type]
            idempotency_key="k",
            success_url="http://x",
            cancel_url="http://x",
        )
    assert fake_stripe.requests == []
