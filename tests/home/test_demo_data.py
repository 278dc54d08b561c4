"""`load_demo_data` builds the whole bilingual site from home.demo, and running it again adds nothing."""

import html
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.html import escape, strip_tags
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Revision, Site

from home.demo import content
from home.demo.images import IMAGES, render
from home.models import FAQ, Award, HomePage, MediaMention, StoryPage, Testimonial

pytestmark = pytest.mark.django_db

UNCONSENTED = next(t for t in content.TESTIMONIALS if not t["consent"])
CONSENTED = [t for t in content.TESTIMONIALS if t["consent"]]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    # Generated images are files: keep them out of the shared media-test folder.
    settings.MEDIA_ROOT = tmp_path / "media"


def visible_text(markup: str) -> str:
    """What a reader sees: tags gone, entities decoded, runs of white space made one space.

    Rich text is output as stored, and the same apostrophe may be stored as ' or &#x27;,
    so the page is compared as text rather than as markup.
    """
    return " ".join(html.unescape(strip_tags(markup)).split())


def load(**options) -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    from django.apps import apps

    figures = {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "locales": Locale.objects.count(),
        "sites": Site.objects.count(),
        "images": get_image_model().objects.count(),
        "users": get_user_model().objects.count(),
        "media mentions": MediaMention.objects.count(),
        "awards": Award.objects.count(),
        "testimonials": Testimonial.objects.count(),
        "faqs": FAQ.objects.count(),
    }
    try:
        figures["partners"] = apps.get_model("crm", "PartnerCompany").objects.count()
    except LookupError:
        pass
    return figures


def test_load_on_empty_database_builds_the_site_and_a_second_run_changes_nothing(client):
    output = load()

    first = counts()
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert home.locale.language_code == "ja"
    # Wagtail's "Welcome" placeholder is gone, not left beside the campaign page.
    assert not Page.objects.filter(depth=2, content_type__model="page").exists()
    assert first["images"] == len(IMAGES)
    assert first["media mentions"] == 2 * len(content.MEDIA_MENTIONS)
    assert first["faqs"] == 2 * len(content.FAQS)
    assert get_user_model().objects.get(username="admin").is_superuser
    assert "/admin/" in output and "admin" in output

    # With the CRM's demo members in place, the counter shows their live number.
    from crm.models import Donor

    members = Donor.objects.members().count()
    assert members > 0
    for home_page in HomePage.objects.all():
        counter = next(block for block in home_page.body if block.block_type == "member_counter")
        assert counter.value["use_live_count"] is True
    second_output = load()

    assert counts() == first
    assert "nothing new" in second_output

    # One more monthly donor in the CRM shows on the page without anyone editing it.
    from crm.factories import RecurringDonationFactory
    from home import cache as page_cache
    from home.live_figures import member_count_forget

    RecurringDonationFactory()
    member_count_forget()
    page_cache.invalidate()
    html = client.get("/en/").content.decode()
    assert f'<data value="{members + 1}">' in html


def test_home_pages_render_in_both_languages_without_the_unconsented_testimonial(client):
    load(skip_crm=True, skip_index=True)

    for language, url in (("ja", "/"), ("en", "/en/")):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode().replace("<wbr>", "")  # BudouX's phrase breaks in headlines
        hero = next(s for s in content.HOME["sections"] if s["type"] == "hero")
        assert hero["heading"][language] in html
        hero_img = re.search(r'<img [^>]*class="hero__img"[^>]*>', html).group(0)
        assert f'alt="{escape(IMAGES[hero["image"]].alt[language])}"' in hero_img
        assert "502" in html
        assert escape(content.FAQS[0]["question"][language]) in html
        for testimonial in CONSENTED:
            assert escape(testimonial["name"][language]) in html
        assert escape(UNCONSENTED["name"][language]) not in html
        assert escape(UNCONSENTED["quote"][language]) not in html


def test_header_menu_links_about_stories_and_donation_page_in_each_language(client):
    load(skip_crm=True, skip_index=True)

    for language, url in (("ja", "/"), ("en", "/en/")):
        html = client.get(url).content.decode()
        nav = html.split('class="site-nav__list"', 1)[1].split("</ul>", 1)[0]
        for slug, title in (
            ("stories", content.STORY_INDEX["title"][language]),
            ("about", next(p for p in content.STANDARD_PAGES if p["slug"] == "about")["title"][language]),
            ("donate", content.DONATION_PAGE["title"][language]),
        ):
            page = Page.objects.get(slug=slug, locale__language_code=language)
            assert f'href="{page.url}"' in nav, (language, slug)
            assert escape(title) in nav, (language, slug)
        # The privacy page stays out of the menu.
        assert "privacy" not in nav
        footer = html.split('class="site-footer__links"', 1)[1].split("</ul>", 1)[0]
        donation_url = Page.objects.get(slug="donate", locale__language_code=language).url
        assert footer.count(f'href="{donation_url}"') == 1


def test_every_story_exists_and_renders_in_both_locales(client):
    load(skip_crm=True, skip_index=True)

    for story in content.STORIES:
        pages = {page.locale.language_code: page for page in StoryPage.objects.filter(slug=story["slug"])}
        assert set(pages) == {"ja", "en"}, story["slug"]
        assert pages["ja"].translation_key == pages["en"].translation_key
        for language, page in pages.items():
            assert page.live
            assert page.title == story["title"][language]
            assert {tag.name for tag in page.topic_tags.all()} == {t[language] for t in story["topics"]}
            response = client.get(page.url)
            assert response.status_code == 200, page.url
            html = response.content.decode()
            # The hero picture is described in the page's own language, not the image's one description.
            hero = re.search(r'<div class="story__hero container"><img [^>]*>', html).group(0)
            assert f'alt="{escape(IMAGES[story["hero_image"]].alt[language])}"' in hero, page.url
            text = visible_text(html)
            for paragraph in story["paragraphs"]:
                assert " ".join(paragraph[language].split()) in text, (page.url, paragraph[language][:40])


def test_a_second_run_keeps_pages_editors_changed():
    load(skip_crm=True, skip_index=True)
    story = StoryPage.objects.get(slug=content.STORIES[0]["slug"], locale__language_code="en")
    story.title = "Edited by the communications team"
    story.save_revision().publish()

    load(skip_crm=True, skip_index=True)

    story.refresh_from_db()
    assert story.title == "Edited by the communications team"

    pages_before = Page.objects.count()
    load(refresh=True, skip_crm=True, skip_index=True)

    story.refresh_from_db()
    assert story.title == content.STORIES[0]["title"]["en"]
    assert Page.objects.count() == pages_before
    # Republishing the campaign pages must not detach their children from the router.
    # Stories, about, privacy, contact and the donation page.
    assert HomePage.objects.get(locale__language_code="en").get_children().live().count() == 5


def test_demo_images_are_deterministic_and_distinct():
    stories = [story["hero_image"] for story in content.STORIES]
    assert len(set(stories)) == len(stories)
    assert all(key in IMAGES for key in stories)
    drawn = {key: render(key) for key in stories}
    assert len(set(drawn.values())) == len(stories)
    render.cache_clear()
    assert render(stories[0]) == drawn[stories[0]]


def test_every_text_of_the_content_exists_in_both_languages():
    def walk(value, where="content"):
        if isinstance(value, dict):
            if set(value) == {"ja", "en"}:
                empty = [lang for lang, text in value.items() if not text]
                # Both or neither: a note may be empty, but never in one language only.
                assert len(empty) in (0, 2), where
                return
            for key, item in value.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]")

    for name in (
        "HOME",
        "STORIES",
        "STANDARD_PAGES",
        "DONATION_PAGE",
        "MEDIA_MENTIONS",
        "TESTIMONIALS",
        "FAQS",
    ):
        walk(getattr(content, name), name)
    assert len(content.STORIES) >= 6
    assert all(4 <= len(story["paragraphs"]) <= 8 for story in content.STORIES)


def test_demo_site_has_a_contact_page_in_every_footer_and_no_contact_form_promise(client):
    load(skip_crm=True, skip_index=True)
    for language, url in (("ja", "/"), ("en", "/en/")):
        contact = Page.objects.get(slug="contact", locale__language_code=language)
        privacy = Page.objects.get(slug="privacy", locale__language_code=language)
        donation = Page.objects.get(slug="donate", locale__language_code=language)
        for page_url in (url, contact.url, privacy.url, donation.url):
            html = client.get(page_url).content.decode()
            footer = html.split('<footer class="site-footer">', 1)[1]
            assert f'href="{contact.url}"' in footer and f'href="{privacy.url}"' in footer, page_url
            assert "お問い合わせフォーム" not in html and "contact form" not in html, page_url
        # The donation page's amounts follow the frequency: no 毎月 label left on a one-off gift.
        once = client.get(f"{donation.url}?frequency=once").content.decode()
        assert not re.search(r'data-frequency="once">[^<]*毎月', once)
        assert "毎月1,000円" not in once and "¥1,000 a month" not in once.split('data-frequency="monthly"')[0]
