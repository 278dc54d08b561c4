"""A visitor searches the stories in a real browser: suggestions while typing, Japanese words found
inside sentences with the match highlighted, then on to the story."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from wagtail.models import Locale, Page, Site

from home import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def stories(db):
    cache.clear()
    ja = Locale.objects.get_or_create(language_code="ja")[0]
    root = Page.get_first_root_node()
    home = factories.HomePageFactory(parent=root, title="WELgeeファミリー", slug="welgee-home", locale=ja)
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="WELgee"
    )
    index = factories.StoryIndexPageFactory(parent=home, title="ストーリー", slug="stories", locale=ja)
    found = factories.StoryPageFactory(
        parent=index,
        locale=ja,
        title="難民として日本に来たRさんの物語",
        slug="r-san",
        intro="住む場所もなく、公園で夜を明かした日々から。",
        body=[("paragraph", "<p>日本に逃れた難民等の人生は、仕事を見つけることで大きく変わります。</p>")],
    )
    factories.StoryPageFactory(
        parent=index,
        locale=ja,
        title="企業で働き始めたMさん",
        slug="m-san",
        intro="面接の練習を重ねて採用が決まりました。",
        body=[("paragraph", "<p>ビジネス日本語を学び、エンジニアとして働いています。</p>")],
    )
    call_command("update_index", verbosity=0)
    yield found
    cache.clear()


def test_visitor_gets_suggestions_then_highlighted_results(page, stories):
    page.goto("/search/")
    page.locator("#search-query").press_sequentially("難民", delay=50)
    # The script fills the datalist from the autocomplete endpoint.
    # (a locator wait: wait_for_function evaluates a string, which the site's CSP rightly forbids)
    page.locator("#search-suggestions option").first.wait_for(state="attached")
    suggestions = page.locator("#search-suggestions option").evaluate_all("os => os.map(o => o.value)")
    assert stories.title in suggestions

    page.locator("#search-query").press("Enter")
    page.wait_for_url("**/search/?*query=*")
    results = page.locator("main")
    assert stories.title in results.inner_text()
    assert "企業で働き始めたMさん" not in results.inner_text()
    assert page.locator("main mark", has_text="難民").count() >= 1

    page.locator("main a", has_text=stories.title).first.click()
    page.wait_for_url(f"**{stories.url}")
    assert page.locator("h1").inner_text().strip() == stories.title


def test_search_works_without_javascript(browser, live_server, stories):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    try:
        page.goto("/search/")
        page.fill("#search-query", "エンジニア")
        page.locator("form.search-form button[type=submit]").click()
        page.wait_for_url("**/search/?*")
        assert "企業で働き始めたMさん" in page.locator("main").inner_text()
    finally:
        context.close()
