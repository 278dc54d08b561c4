"""In the browser: from the campaign page's ¥5,000 tier to the redirect to (fake) Stripe Checkout."""

import json

import pytest
from django.core.cache import cache
from wagtail.models import Locale, Page, Site

from home import factories
from tests.stripe_fake.fixtures import fake_stripe, fake_stripe_server

__all__ = ["fake_stripe", "fake_stripe_server"]

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def campaign_site(db):
    cache.clear()  # the campaign page is cached whole; start from a fresh render
    Locale.objects.get_or_create(language_code="ja")
    root = Page.get_first_root_node()
    home = factories.HomePageFactory(parent=root, title="WELgeeファミリー", slug="welgee-home")
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="WELgee"
    )
    donation = factories.DonationPageFactory(parent=home, title="寄付する", slug="donate")
    donation.save_revision().publish()
    home.body = json.dumps(
        [
            {
                "type": "donation_tiers",
                "value": {
                    "heading": "毎月のご寄付でできること",
                    "intro": "",
                    "note": "※1年間ご寄付を続けられた場合",
                    "tiers": [
                        {"amount_jpy": 1000, "achievement": "1名の企業面談まで伴走", "footnote": ""},
                        {"amount_jpy": 5000, "achievement": "1名の採用まで伴走", "footnote": ""},
                        {"amount_jpy": 10000, "achievement": "ビジネス日本語を習得する機会", "footnote": ""},
                    ],
                },
            }
        ]
    )
    home.save_revision().publish()
    yield {"home": home, "donation": donation}
    cache.clear()


def test_five_thousand_yen_tier_to_fake_checkout(page, fake_stripe, campaign_site):
    page.goto("/")
    page.locator("a[href*='amount=5000'][href*='frequency=monthly']").click()
    page.wait_for_url("**/donate/?amount=5000&frequency=monthly")
    # The tier arrives preselected: ¥5,000, monthly.
    assert page.locator("input[name=amount][value='5000']").is_checked()
    assert page.locator("input[name=frequency][value='monthly']").is_checked()

    page.locator("form.donation-form button[type=submit]").click()
    page.wait_for_url(f"{fake_stripe.base_url}/checkout/cs_test_*")
    assert page.locator("h1").inner_text() == "Fake Stripe Checkout"
    assert page.locator("#mode").inner_text() == "subscription"
    assert page.locator("#amount").inner_text() == "5000 jpy"

    sent = fake_stripe.requests_to("/v1/checkout/sessions")[-1].params
    assert sent["line_items"][0]["price_data"]["unit_amount"] == "5000"
    assert sent["metadata"]["tier"] == "5000" and sent["locale"] == "ja"


def test_yearly_shows_its_own_tiers_and_goes_to_a_yearly_checkout(page, fake_stripe, campaign_site):
    donation = campaign_site["donation"]
    donation.tiers = [
        ("tier", {"amount_jpy": 1000, "label": "", "description": "", "frequencies": ["monthly", "once"]}),
        ("tier", {"amount_jpy": 12000, "label": "", "description": "", "frequencies": ["yearly"]}),
    ]
    donation.save_revision().publish()
    page.goto("/donate/?frequency=monthly")
    monthly_tier = page.locator("label.choice--tier", has=page.locator("input[value='1000']"))
    yearly_tier = page.locator("label.choice--tier", has=page.locator("input[value='12000']"))
    assert monthly_tier.is_visible() and not yearly_tier.is_visible()

    # Switching to yearly needs no script: CSS follows the checked radio.
    page.locator("input[name=frequency][value='yearly']").check()
    assert yearly_tier.is_visible() and not monthly_tier.is_visible()
    assert "¥12,000" in yearly_tier.inner_text()
    yearly_tier.locator("input").check()
    page.locator("form.donation-form button[type=submit]").click()
    page.wait_for_url(f"{fake_stripe.base_url}/checkout/cs_test_*")
    assert page.locator("#mode").inner_text() == "subscription"
    sent = fake_stripe.requests_to("/v1/checkout/sessions")[-1].params
    assert sent["line_items"][0]["price_data"]["recurring"] == {"interval": "year"}
    assert sent["metadata"]["frequency"] == "yearly"
