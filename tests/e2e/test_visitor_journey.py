"""A visitor on a phone and on a desktop: from a story to the newsletter, then to a one-off gift.

The newsletter says honestly what happens without Mailchimp, the amounts stop saying 毎月 once
「今回のみ」 is chosen, and the gift reaches (fake) Stripe Checkout. A failing step leaves a
screenshot in E2E_SCREENSHOTS (default: test-results/) named after the test.
"""

import contextlib
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from wagtail.models import Locale, Page, Site

from crm.models import Donor
from home import factories
from tests.stripe_fake.fixtures import fake_stripe, fake_stripe_server

__all__ = ["fake_stripe", "fake_stripe_server"]

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "test-results"))
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}


@pytest.fixture
def visitor_site(db, settings):
    settings.MAILCHIMP_API_KEY = ""  # as after `make run`: no Mailchimp
    settings.MAILCHIMP_AUDIENCE_ID = ""
    cache.clear()
    ja = Locale.objects.get_or_create(language_code="ja")[0]
    root = Page.get_first_root_node()
    home = factories.HomePageFactory(parent=root, title="WELgeeファミリー", slug="welgee-home", locale=ja)
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="WELgee"
    )
    index = factories.StoryIndexPageFactory(parent=home, title="ストーリー", slug="stories", locale=ja)
    index.save_revision().publish()
    story = factories.StoryPageFactory(parent=index, title="Rさんの物語", slug="r-san", locale=ja)
    story.save_revision().publish()
    donation = factories.DonationPageFactory(parent=home, title="寄付する", slug="donate", locale=ja)
    donation.save_revision().publish()
    yield {"story": story, "donation": donation}
    cache.clear()


@pytest.fixture(params=sorted(VIEWPORTS))
def visitor(request, browser, live_server):
    """A browser tab of the given size; on failure, a screenshot of what the visitor saw."""
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", **VIEWPORTS[request.param])
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


@contextlib.contextmanager
def screenshot_on_failure(tab, name: str):
    try:
        yield
    except BaseException:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        raise


def _fits_the_screen(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_from_a_story_to_the_newsletter_and_a_one_off_gift(request, visitor, visitor_site, fake_stripe):
    tab = visitor
    with screenshot_on_failure(tab, request.node.name.replace("/", "_")):
        tab.goto(visitor_site["story"].url)
        assert tab.locator("h1").inner_text() == "Rさんの物語"
        assert _fits_the_screen(tab)

        # The footer leads to the newsletter from every page.
        tab.locator("footer.site-footer a", has_text="メールマガジン").click()
        tab.wait_for_url("**/newsletter/")
        assert tab.locator("main").count() == 1
        assert _fits_the_screen(tab)
        tab.fill("input[name=family_name]", "山田")
        tab.fill("input[name=given_name]", "花子")
        tab.fill("input[name=email]", "hanako@example.jp")
        tab.locator("form.newsletter-form button[type=submit]").click()
        tab.wait_for_url("**/newsletter/thanks/")
        assert "まだメールは送信されていません" in tab.locator("#newsletter-next").inner_text()
        assert Donor.objects.filter(email="hanako@example.jp").exists()

        # Then to the donation page: monthly amounts first, plain amounts once 「今回のみ」 is chosen.
        tab.locator("a.button--donate", has_text="寄付する").first.click()
        tab.wait_for_url("**/donate/")
        tier = tab.locator("label.choice--tier", has=tab.locator("input[value='5000']"))
        assert tier.locator(".choice__amount:visible").inner_text() == "毎月 ¥5,000"
        tab.locator("label.choice", has_text="今回のみ").click()
        assert tier.locator(".choice__amount:visible").inner_text() == "¥5,000"
        assert "毎月" not in " ".join(tab.locator(".choice__amount:visible").all_inner_texts())
        assert _fits_the_screen(tab)
        tier.click()
        tab.locator("form.donation-form button[type=submit]").click()
        tab.wait_for_url(f"{fake_stripe.base_url}/checkout/cs_test_*")
        assert tab.locator("#mode").inner_text() == "payment"
        assert tab.locator("#amount").inner_text() == "5000 jpy"
