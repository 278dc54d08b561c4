"""What a visitor meets on every page, in Japanese and English: no dead end, no false message.

Footer links, the honest newsletter and no-Stripe texts, amounts worded for the chosen frequency,
headlines that break between phrases, the language switcher, BASE_URL in every absolute address,
robots.txt, the favicon and the designed 404 (also with DEBUG on).
"""

import json
import logging
import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import override_settings
from wagtail.models import Page, Site

from crm.models import Donor
from home import factories
from tests.home.conftest import publish, translate

pytestmark = pytest.mark.django_db

PUBLIC_HOST = "https://welgee.example"


@pytest.fixture
def small_site(locales):
    """A campaign page with the pages the footer needs (privacy, contact), and its English side."""
    root = Page.get_first_root_node()
    home = factories.HomePageFactory(parent=root, title="WELgeeファミリー", slug="welgee-home")
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="WELgee"
    )
    home.body = json.dumps(
        [
            {
                "type": "hero",
                "value": {
                    "heading": "あなたもWELgeeファミリーになりませんか?",
                    "lead": "",
                    "image": None,
                    "cta": {"label": "", "page": None, "url": ""},
                },
            },
            {
                "type": "impact_figures",
                "value": {
                    "heading": "WELgee's ACTION",
                    "intro": "",
                    "figures": [
                        {
                            "value": "2,350",
                            "unit": "名以上",
                            "label": "ウクライナ避難民",
                            "as_of": "2023-03-15",
                            "note": "",
                        }
                    ],
                },
            },
        ]
    )
    publish(home)
    index = factories.StoryIndexPageFactory(parent=home, title="ストーリー", slug="stories")
    story = publish(factories.StoryPageFactory(parent=index, title="Rさんの物語", slug="r"))
    donation = publish(
        factories.DonationPageFactory(parent=home, title="寄付する", slug="donate", not_configured_message="")
    )
    privacy = publish(
        factories.StandardPageFactory(parent=home, title="プライバシーポリシー", slug="privacy")
    )
    contact = publish(factories.StandardPageFactory(parent=home, title="お問い合わせ", slug="contact"))
    en = locales["en"]
    pages = {
        "home": home,
        "index": index,
        "story": story,
        "donation": donation,
        "privacy": privacy,
        "contact": contact,
    }
    english = {f"en_{name}": translate(page, en) for name, page in pages.items()}
    return pages | english


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_page_links_newsletter_manage_gift_privacy_and_contact(client, small_site, language):
    prefix = "/en" if language == "en" else ""
    urls = [
        small_site[f"{'en_' if language == 'en' else ''}{name}"].url
        for name in ("home", "index", "story", "donation", "privacy", "contact")
    ]
    urls += [
        f"{prefix}/newsletter/",
        f"{prefix}/donate/manage/",
        f"{prefix}/search/",
        f"{prefix}/no-such-page/",
    ]
    privacy = small_site["en_privacy" if language == "en" else "privacy"].url
    contact = small_site["en_contact" if language == "en" else "contact"].url
    for url in urls:
        response = client.get(url)
        page = response.content.decode()
        footer = page[page.index('<footer class="site-footer">') :]
        for href in (f"{prefix}/newsletter/", f"{prefix}/donate/manage/", privacy, contact):
            assert f'href="{href}"' in footer, (url, href)


def test_newsletter_without_mailchimp_says_what_really_happens(client, small_site, caplog, settings):
    settings.MAILCHIMP_API_KEY = ""
    settings.MAILCHIMP_AUDIENCE_ID = ""
    form = html(client.get("/newsletter/"))
    assert form.count("<main") == 1
    assert "最初の号をお届けする前に" in form

    with caplog.at_level(logging.WARNING):
        response = client.post(
            "/newsletter/",
            {"family_name": "山田", "given_name": "花子", "email": "hanako@example.jp", "language": "ja"},
            follow=True,
        )
    page = html(response)
    assert "まだメールは送信されていません" in page
    assert "メールをお送りしました" not in page
    assert page.count("<main") == 1
    assert Donor.objects.get(email="hanako@example.jp").newsletter_status == Donor.NewsletterStatus.PENDING
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info], caplog.text

    english = html(client.get("/en/newsletter/thanks/"))
    assert "no email has been sent yet" in english


def test_newsletter_with_mailchimp_promises_the_confirmation_email(client, small_site, settings):
    settings.MAILCHIMP_API_KEY = "key-us1"
    settings.MAILCHIMP_AUDIENCE_ID = "audience"
    settings.MAILCHIMP_API_URL = "http://127.0.0.1:9/3.0"
    page = html(client.get("/newsletter/thanks/"))
    assert "登録確認のメールをお送りしました" in page
    assert "まだメールは送信されていません" not in page


@pytest.mark.parametrize(
    ("language", "text", "link_text"), [("ja", "準備中", "お問い合わせ"), ("en", "not set up", "Contact us")]
)
def test_no_stripe_notice_points_at_the_contact_page(client, small_site, settings, language, text, link_text):
    settings.STRIPE_SECRET_KEY = ""
    donation = small_site["en_donation" if language == "en" else "donation"]
    contact = small_site["en_contact" if language == "en" else "contact"]
    page = html(client.get(donation.url))
    notice = re.search(r'<div class="notice" role="status">(.*?)</div>', page, re.S).group(1)
    assert text in notice
    assert f'<a href="{contact.url}">{link_text}</a>' in notice
    assert "お問い合わせフォーム" not in page and "contact form" not in page


def _visible_amounts(page: str) -> list[str]:
    return re.findall(r'<span class="choice__amount" data-frequency="\w+">([^<]*)</span>', page)


@pytest.mark.parametrize(
    ("language", "frequency", "expected"),
    [
        ("ja", "monthly", ["毎月 ¥1,000", "毎月 ¥5,000", "毎月 ¥10,000"]),
        ("ja", "once", ["¥1,000", "¥5,000", "¥10,000"]),
        ("en", "monthly", ["¥1,000 a month", "¥5,000 a month", "¥10,000 a month"]),
        ("en", "once", ["¥1,000", "¥5,000", "¥10,000"]),
    ],
)
def test_amounts_are_worded_for_the_chosen_frequency(client, small_site, language, frequency, expected):
    donation = small_site["en_donation" if language == "en" else "donation"]
    page = html(client.get(f"{donation.url}?frequency={frequency}"))
    # Without JavaScript or CSS only the server's wording counts: the other one carries `hidden`.
    assert _visible_amounts(page) == expected
    assert re.search(rf'name="frequency" value="{frequency}"\s+checked', page)


def test_a_once_gift_sent_back_with_an_error_keeps_once_wording(client, small_site):
    response = client.post(
        small_site["donation"].url, {"frequency": "once", "amount": "custom", "custom_amount": "abc"}
    )
    assert response.status_code == 400
    assert _visible_amounts(response.content.decode()) == ["¥1,000", "¥5,000", "¥10,000"]


@pytest.mark.parametrize("raw", ["³", "٣٠٠٠", "1²000", "①", "3000.5", "-1000"])
def test_amounts_in_other_digits_are_a_form_error_not_a_500(client, small_site, raw):
    for data in (
        {"frequency": "monthly", "amount": raw},
        {"frequency": "once", "amount": "custom", "custom_amount": raw},
    ):
        response = client.post(small_site["donation"].url, data)
        assert response.status_code == 400, (raw, data)
        assert "金額は1円単位の整数で入力してください" in response.content.decode()
    assert client.get(f"{small_site['donation'].url}?amount={raw}").status_code == 200


def test_full_width_digits_are_read_as_yen(client, small_site, settings):
    settings.STRIPE_SECRET_KEY = ""  # the choice is valid; only the missing payment set-up stops it
    response = client.post(
        small_site["donation"].url, {"frequency": "once", "amount": "custom", "custom_amount": "５０００"}
    )
    page = response.content.decode()
    assert response.status_code == 503
    assert "金額は1円単位の整数で" not in page and "準備中" in page


@pytest.mark.parametrize(("url", "heading"), [("/", "あなたも<wbr>WELgeeファミリーに<wbr>なりませんか?")])
def test_japanese_headlines_break_between_phrases(client, small_site, url, heading):
    page = html(client.get(url))
    assert f'<span class="phrases">{heading}</span>' in page
    story = html(client.get(small_site["story"].url))
    assert re.search(r'<h1 class="story__title"><span class="phrases">[^<]+<wbr>', story)


def test_language_switcher_keeps_the_query_and_the_chosen_tier(client, small_site):
    donation, en_donation = small_site["donation"], small_site["en_donation"]
    page = html(client.get(f"{donation.url}?amount=5000&frequency=once"))
    assert f'href="{en_donation.url}?amount=5000&amp;frequency=once" hreflang="en"' in page
    back = html(client.get(f"{en_donation.url}?amount=5000&frequency=once"))
    assert f'href="{donation.url}?amount=5000&amp;frequency=once" hreflang="ja"' in back
    search = html(client.get("/search/?query=%E9%9B%A3%E6%B0%91"))
    assert 'href="/en/search/?query=%E9%9B%A3%E6%B0%91" hreflang="en"' in search
    newsletter = html(client.get("/en/newsletter/"))
    assert 'href="/newsletter/" hreflang="ja"' in newsletter


@override_settings(WAGTAILADMIN_BASE_URL=PUBLIC_HOST)
def test_canonical_hreflang_og_and_sitemap_use_base_url(client, small_site):
    story, en_story = small_site["story"], small_site["en_story"]
    page = html(client.get(story.url))
    assert f'<link rel="canonical" href="{PUBLIC_HOST}{story.url}">' in page
    assert f'hreflang="en" href="{PUBLIC_HOST}{en_story.url}"' in page
    assert f'<meta property="og:url" content="{PUBLIC_HOST}{story.url}">' in page
    assert "http://localhost" not in page
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{PUBLIC_HOST}{story.url}</loc>" in sitemap
    assert "http://localhost" not in sitemap


@override_settings(WAGTAILADMIN_BASE_URL=PUBLIC_HOST)
def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert f"Sitemap: {PUBLIC_HOST}/sitemap.xml" in body.splitlines()
    assert {"Disallow: /admin/", "Disallow: /donate/manage/", "Disallow: /en/donate/manage/"} <= set(
        body.splitlines()
    )


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("home/favicon.ico")
    with open(finders.find("home/favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # a real ICO file, drawn in the repository


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/no-such-page/", "お探しのページは見つかりませんでした"),
        ("/en/no-such-page/", "We couldn't find that page"),
    ],
)
def test_designed_404_also_with_debug_on(client, small_site, url, title):
    with override_settings(DEBUG=True):
        response = client.get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert 'class="error-page' in page and "Technical" not in page and "URLconf" not in page
    assert title in page.replace("&#x27;", "'")


def test_impact_figure_shows_its_date_once(client, small_site):
    page = html(client.get("/"))
    figure = re.search(r'<li class="figure">(.*?)</li>', page, re.S).group(1)
    assert figure.count("2023") == 2  # the <time datetime> attribute and the date shown, once


def test_title_names_the_site_once(client, small_site):
    home = small_site["home"]
    home.seo_title = "マンスリーサポーター募集 | WELgee"
    publish(home)
    expected = {"/": "マンスリーサポーター募集 | WELgee", small_site["story"].url: "Rさんの物語 | WELgee"}
    for url, title in expected.items():
        assert re.search(r"<title>(.*?)</title>", html(client.get(url))).group(1) == title


def test_staff_avatars_are_not_gravatar_links(admin_client):
    page = admin_client.get("/admin/account/").content.decode()
    assert "gravatar.com" not in page


def test_private_pages_stay_private_with_the_one_query_check(client, site_tree):
    """home/restrictions.py finds restrictions on the page, its ancestors, and the pages they alias."""
    from wagtail.models import PageViewRestriction

    index, story = site_tree["index"], site_tree["story"]
    assert client.get(story.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=index, restriction_type="password", password="s3cret"
    )
    assert list(story.get_view_restrictions()) == [restriction]
    # The password form instead of the story (the page cache does not answer with the old story).
    assert 'name="password"' in client.get(story.url).content.decode()

    # A page under an alias of the restricted index is restricted by the original's restriction.
    alias = index.create_alias(parent=site_tree["standard"], update_slug="stories-alias")
    alias.view_restrictions.all().delete()  # Wagtail copies it onto the alias; the original's must count
    child_of_alias = factories.StandardPageFactory(parent=alias, title="別名の下", slug="under-alias")
    assert list(child_of_alias.get_view_restrictions()) == [restriction]
    restriction.delete()
    assert not story.get_view_restrictions().exists()
    assert not child_of_alias.get_view_restrictions().exists()
    assert 'name="password"' not in client.get(story.url).content.decode()
