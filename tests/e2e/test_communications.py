"""The Communications staff's daily path in a real browser (desktop): fix a story and publish it, then
edit a supporter's testimonial and publish it once the supporter's consent is ticked.

Selectors avoid visible labels (the admin speaks Japanese or English by the user's choice). A failing
step leaves a screenshot under E2E_SCREENSHOTS (default: test-results/), named after the test.
"""

import pytest
from django.core.cache import cache
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Locale, Page, Site
from wagtail.users.models import UserProfile

from crm.groups import COMMUNICATIONS
from home import factories, snippets
from home.models import StoryPage
from tests.crm.test_admin_fixtures import _staff
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def site_with_a_story(db):
    cache.clear()
    ja = Locale.objects.get_or_create(language_code="ja")[0]
    home = factories.HomePageFactory(
        parent=Page.get_first_root_node(), title="WELgee", slug="comms-home", locale=ja
    )
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="WELgee"
    )
    index = factories.StoryIndexPageFactory(parent=home, title="ストーリー", slug="stories", locale=ja)
    index.save_revision().publish()
    story = factories.StoryPageFactory(parent=index, title="Rさんの物語", slug="r-san", locale=ja)
    story.save_revision().publish()
    yield story
    cache.clear()


@pytest.fixture
def communications_user(site_with_a_story):
    # Made after the page tree exists: the group's page permissions hang on its root.
    user = _staff("comms", COMMUNICATIONS)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "ja"  # the staff's own language
    profile.save()
    return user


def _publish(page) -> None:
    """Wagtail keeps "Publish" in the footer's dropdown, under the save-draft button."""
    publish = page.locator("button[name='action-publish']")
    if not publish.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    with page.expect_navigation():
        publish.click()


def test_communications_edits_and_publishes_a_story(page, site_with_a_story, communications_user):
    story = site_with_a_story
    log_in(page, communications_user)

    page.goto(f"/admin/pages/{story.pk}/edit/")
    new_intro = "2017年に来日したRさん。住まいと仕事を見つけるまでの歩み(改訂版)。"
    page.fill("textarea[name=intro]", new_intro)
    _publish(page)

    assert "/edit/" not in page.url  # back in the explorer: published, not a form with errors
    story = StoryPage.objects.get(pk=story.pk)
    assert story.live and story.intro == new_intro
    assert not story.has_unpublished_changes
    assert story.live_revision.user_id == communications_user.pk
    # Visitors see it at once (the page cache is cleared on publish).
    page.goto(story.url)
    assert new_intro in page.locator("body").inner_text()


def test_communications_publishes_a_testimonial_only_with_consent(page, communications_user):
    testimonial = factories.TestimonialFactory(
        name="山本さん", quote="最初の一歩を一緒に。", consent_to_publish=False, live=False
    )
    testimonial.save_revision()
    log_in(page, communications_user)

    page.goto(AdminURLFinder(communications_user).get_edit_url(testimonial))
    new_quote = "毎月の寄付で、出会った人たちの新しい一歩を応援しています。"
    page.fill("textarea[name=quote]", new_quote)
    _publish(page)

    # Without the supporter's consent the form comes back with the reason, and nothing goes live.
    assert page.locator(".error-message, .w-field__errors").count() >= 1
    assert not snippets.Testimonial.objects.get(pk=testimonial.pk).live

    page.fill("textarea[name=quote]", new_quote)
    page.check("input[name=consent_to_publish]")
    _publish(page)

    testimonial = snippets.Testimonial.objects.get(pk=testimonial.pk)
    assert testimonial.live and testimonial.consent_to_publish
    assert testimonial.quote == new_quote
    assert testimonial.live_revision.user_id == communications_user.pk
    assert snippets.Testimonial.objects.publishable().filter(pk=testimonial.pk).exists()
