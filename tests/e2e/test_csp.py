"""In the browser: the Content-Security-Policy blocks nothing the site itself needs.

A policy without 'unsafe-inline' breaks a page quietly (a style not applied, a script not run), so
Chromium is asked directly: every `securitypolicyviolation` event and every CSP console message on
the campaign page (both languages), search with its autocomplete, the donation page and the
newsletter form is collected, and there must be none.
"""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from wagtail.models import Collection, Locale, Page, Site

from home import factories
from tests.home.conftest import campaign_body

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Added through the DevTools protocol, so it runs even where the page's own policy forbids scripts.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def whole_site(db):
    cache.clear()
    if Collection.get_first_root_node() is None:  # a transactional test elsewhere may have flushed it
        Collection.add_root(name="Root")
    ja = Locale.objects.get_or_create(language_code="ja")[0]
    en = Locale.objects.get_or_create(language_code="en")[0]
    root = Page.get_first_root_node()
    home = factories.HomePageFactory(parent=root, title="WELgeeファミリー", slug="welgee-home", locale=ja)
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="WELgee"
    )
    image = factories.ImageFactory(title="ヒーロー画像")
    index = factories.StoryIndexPageFactory(parent=home, title="ストーリー", slug="stories", locale=ja)
    story = factories.StoryPageFactory(
        parent=index,
        locale=ja,
        title="難民として日本に来たRさんの物語",
        slug="r-san",
        hero_image=image,
        date=datetime.date(2023, 3, 15),
    )
    story.save_revision().publish()
    donation = factories.DonationPageFactory(parent=home, title="寄付する", slug="donate", locale=ja)
    donation.save_revision().publish()
    home.body = campaign_body(
        image=image,
        mentions=[factories.MediaMentionFactory(outlet="日本経済新聞", logo=factories.ImageFactory())],
        awards=[factories.AwardFactory(title="Forbes 30 Under 30 Asia", logo=factories.ImageFactory())],
        testimonials=[factories.TestimonialFactory(name="松村 岳史", photo=factories.ImageFactory())],
        faqs=[factories.FAQFactory(question="継続寄付の使途は?")],
        story=story,
        donation_page=donation,
    )
    home.save_revision().publish()
    en_home = home.copy_for_translation(en)
    en_home.save_revision().publish()
    call_command("update_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    yield {"home": home, "donation": donation}
    cache.clear()


def _watch(page) -> list[str]:
    seen: list[str] = []
    page.add_init_script(COLLECT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return seen


def _violations(page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__cspViolations"), *console]


def test_campaign_search_donation_and_newsletter_raise_no_csp_violation(page, whole_site):
    console = _watch(page)
    problems: dict[str, list[str]] = {}

    for url in ["/", "/en/", whole_site["donation"].url, "/newsletter/"]:
        page.goto(url)
        page.wait_for_load_state("load")
        problems[url] = _violations(page, console)
        console.clear()

    page.goto("/search/")
    page.locator("#search-query").press_sequentially("難民", delay=50)
    # (a locator wait: wait_for_function evaluates a string, which the site's CSP rightly forbids)
    page.locator("#search-suggestions option").first.wait_for(state="attached")
    page.locator("#search-query").press("Enter")
    page.wait_for_load_state("load")
    problems["search + autocomplete"] = _violations(page, console)

    assert {url: found for url, found in problems.items() if found} == {}
