"""Every page type and every campaign block renders, in Japanese and in English."""

import datetime
import json
import re

import pytest
from django.apps import apps
from django.template import loader

from home import factories
from tests.home.conftest import publish

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    """The page's HTML without BudouX's phrase breaks (<wbr>), so headings read as typed."""
    assert response.status_code == 200, response.status_code
    return response.content.decode().replace("<wbr>", "")


BLOCK_MARKERS = [
    "あなたもWELgeeファミリーになりませんか?",  # hero
    "502",  # member_counter
    "150+",  # media_mentions
    "日本テレビ「news zero」",
    "協働企業",  # partners
    "Forbes 30 Under 30 Asia",  # awards
    "2,350",  # impact_figures
    "Rさんのストーリー",  # story_teaser
    "双方への伴走",  # about
    "定着サポート",
    "ビジネス日本語を習得する機会",  # donation_tiers
    "ファミリー通信",  # member_benefits
    "松村 岳史",  # testimonials
    "継続寄付の使途は?",  # faq
    "いまだからこそ",  # closing_appeal
]


@pytest.mark.parametrize("url,lang", [("/", "ja"), ("/en/", "en")])
def test_campaign_page_renders_every_block(client, site_tree, url, lang):
    html = html_of(client.get(url))
    assert f'<html lang="{lang}">' in html
    for marker in BLOCK_MARKERS:
        assert marker in html, marker


def test_campaign_page_uses_interface_language(client, site_tree):
    ja = html_of(client.get("/"))
    en = html_of(client.get("/en/"))
    assert "毎月 ¥1,000" in ja and "本文へスキップ" in ja
    assert "¥1,000 a month" in en and "Skip to main content" in en


def test_donation_tiers_link_to_the_donation_page_of_the_same_language(client, site_tree):
    ja = html_of(client.get("/"))
    en = html_of(client.get("/en/"))
    assert f'href="{site_tree["donation"].url}?amount=5000&amp;frequency=monthly"' in ja
    assert f'href="{site_tree["en_donation"].url}?amount=5000&amp;frequency=monthly"' in en
    assert site_tree["en_donation"].url.startswith("/en/")


def test_images_are_renditions_with_size_alt_and_lazy_loading(client, site_tree):
    html = html_of(client.get("/"))
    images = re.findall(r"<img [^>]*>", html)
    assert images
    for tag in images:
        assert 'alt="' in tag and 'width="' in tag and 'height="' in tag, tag
        assert "/media/images/" in tag
    assert all('loading="lazy"' in tag for tag in images if "hero__img" not in tag)


def test_partner_block_renders_companies_flagged_for_the_site(client, site_tree):
    PartnerCompany = apps.get_model("crm", "PartnerCompany")
    PartnerCompany.objects.create(name="ヤマハ発動機株式会社", show_on_site=True, site_order=1)
    PartnerCompany.objects.create(name="Hidden Corp", show_on_site=False)
    html = html_of(client.get("/"))
    assert "ヤマハ発動機株式会社" in html
    assert "Hidden Corp" not in html


def test_partner_block_shows_the_english_name_on_english_pages(client, site_tree):
    PartnerCompany = apps.get_model("crm", "PartnerCompany")
    PartnerCompany.objects.create(
        name="コニカミノルタ株式会社", name_en="Konica Minolta, Inc.", show_on_site=True, site_order=1
    )
    PartnerCompany.objects.create(name="株式会社まだ英名なし", show_on_site=True, site_order=2)
    ja, en = html_of(client.get("/")), html_of(client.get("/en/"))
    assert "コニカミノルタ株式会社" in ja and "Konica Minolta, Inc." not in ja
    assert "Konica Minolta, Inc." in en and "コニカミノルタ株式会社" not in en
    assert "株式会社まだ英名なし" in en  # no English name yet: the Japanese one rather than nothing


def test_testimonials_without_consent_or_not_live_are_never_shown(client, site_tree):
    shown, hidden = site_tree["testimonials"]
    hidden.consent_to_publish = False
    hidden.save()
    html = html_of(client.get("/"))
    assert shown.name in html and hidden.name not in html

    hidden.consent_to_publish = True
    hidden.live = False
    hidden.save()
    assert hidden.name not in html_of(client.get("/"))


def test_member_counter_prefers_live_figure_when_asked(client, site_tree, monkeypatch):
    home = site_tree["home"]
    raw = home.body.raw_data
    for block in raw:
        if block["type"] == "member_counter":
            block["value"]["use_live_count"] = True
    home.body = json.dumps(list(raw))
    publish(home)
    monkeypatch.setattr("home.live_figures.member_count", lambda: (777, datetime.date(2026, 1, 5)))
    html = html_of(client.get("/"))
    assert "777" in html and "502</data>" not in html


def test_faq_renders_valid_schema_org_json_ld(client, site_tree):
    html = html_of(client.get("/"))
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "FAQPage"
    questions = [q["name"] for q in data["mainEntity"]]
    assert questions == [f.question for f in site_tree["faqs"]]
    assert data["mainEntity"][0]["acceptedAnswer"] == {"@type": "Answer", "text": "An answer with bold text."}


def test_faq_json_ld_cannot_break_out_of_its_script_element(client, site_tree):
    faq = site_tree["faqs"][0]
    faq.question = "</script><script>alert(1)</script>"
    faq.save()
    html = html_of(client.get("/"))
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(script)["mainEntity"][0]["name"] == faq.question


def test_opengraph_twitter_canonical_and_hreflang(client, site_tree):
    html = html_of(client.get("/"))
    for prop in ("og:title", "og:description", "og:url", "og:image", "og:type", "og:locale"):
        assert f'property="{prop}"' in html, prop
    assert 'name="twitter:card" content="summary_large_image"' in html
    assert 'name="description" content="難民とともに未来を築く"' in html
    assert '<link rel="canonical" href="http://testserver/">' in html
    assert '<link rel="alternate" hreflang="ja" href="http://testserver/">' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/">' in html
    assert 'hreflang="x-default" href="http://testserver/"' in html
    story = html_of(client.get(site_tree["story"].url))
    assert 'property="og:type" content="article"' in story


def test_language_switcher_links_to_translation_or_other_home(client, site_tree):
    story = html_of(client.get(site_tree["story"].url))
    assert f'href="{site_tree["en_story"].url}" hreflang="en"' in story
    en_story = html_of(client.get(site_tree["en_story"].url))
    assert f'href="{site_tree["story"].url}" hreflang="ja"' in en_story
    # The standard page has no English translation: the switcher falls back to the English home.
    standard = html_of(client.get(site_tree["standard"].url))
    assert 'href="/en/" hreflang="en"' in standard


def test_header_has_skip_link_nav_and_donate_button(client, site_tree):
    html = html_of(client.get("/"))
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    assert f'href="{site_tree["standard"].url}"' in html  # shown in menus
    assert re.search(r'class="button button--donate site-header__donate" href="/donate/"', html)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_story_index_lists_newest_first_and_filters_by_tag(client, site_tree, lang):
    index = site_tree["index"] if lang == "ja" else site_tree["en_index"]
    html = html_of(client.get(index.url))
    if lang == "ja":
        assert html.index("Rさんの物語") < html.index("古い物語")
        filtered = html_of(client.get(index.url + "?tag=" + site_tree["story"].region_tags.first().slug))
        assert "Rさんの物語" in filtered and "古い物語" not in filtered
    else:
        assert "R&#x27;s story" in html or "R's story" in html


def test_story_index_paginates(client, site_tree):
    index = site_tree["index"]
    for n in range(10):
        factories.StoryPageFactory(parent=index, title=f"追加 {n}", date=datetime.date(2024, 1, n + 1))
    first = html_of(client.get(index.url))
    assert "追加 9" in first and 'rel="next"' in first
    second = html_of(client.get(index.url + "?page=2"))
    assert "古い物語" in second and "追加 9" not in second
    assert html_of(client.get(index.url + "?page=999")).count('class="card"') >= 1


@pytest.mark.parametrize("key", ["story", "en_story"])
def test_story_page_renders_body_tags_and_after_story(client, site_tree, key):
    story = site_tree[key]
    story.after_story = "<p>家族は無事に国外へ退避できました。</p>"
    publish(story)
    html = html_of(client.get(story.url))
    assert "How do I live from here?" in html
    assert "家族は無事に国外へ退避できました。" in html
    assert "?tag=" in html


def test_standard_page_renders(client, site_tree):
    page = site_tree["standard"]
    page.body = json.dumps([{"type": "paragraph", "value": "<p>私たちについて</p>"}])
    publish(page)
    assert "私たちについて" in html_of(client.get(page.url))


@pytest.mark.parametrize("key", ["donation", "en_donation"])
def test_donation_page_preselects_amount_and_frequency(client, site_tree, key):
    page = site_tree[key]
    html = html_of(client.get(page.url + "?amount=5000&frequency=once"))
    assert re.search(r'value="once"\s+checked', html)
    assert re.search(r'value="5000"\s+checked', html)
    assert 'name="custom_amount"' in html
    custom = html_of(client.get(page.url + "?amount=3333"))
    assert 'value="3333"' in custom and re.search(r'value="monthly"\s+checked', custom)
    # Out of range amounts fall back to the first tier.
    assert re.search(r'value="1000"\s+checked', html_of(client.get(page.url + "?amount=5")))


@pytest.mark.parametrize(
    "url,lang,text",
    [
        ("/no-such-page/", "ja", "お探しのページは見つかりませんでした"),
        ("/en/no-such-page/", "en", "find that page"),
    ],
)
def test_404_page_in_visitors_language(client, site_tree, url, lang, text):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert text in html


def test_500_template_renders_without_request_or_database(django_assert_num_queries):
    template = loader.get_template("500.html")
    with django_assert_num_queries(0):
        ja = template.render({})
        en = template.render({"english": True})
    assert 'lang="ja"' in ja and "エラーが発生しました" in ja
    assert 'lang="en"' in en and "Something went wrong" in en


@pytest.mark.parametrize(
    "key,notice",
    [
        ("donation", "現在、オンラインでのご寄付を準備中です"),
        ("en_donation", "Online giving is not set up yet"),
    ],
)
def test_donation_page_without_stripe_keys_shows_the_notice_and_no_pay_button(
    client, site_tree, settings, key, notice
):
    settings.STRIPE_SECRET_KEY = ""
    html = html_of(client.get(site_tree[key].url))
    assert notice in html
    assert 'type="submit"' not in html

    settings.STRIPE_SECRET_KEY = "sk_test_configured"
    html = html_of(client.get(site_tree[key].url))
    assert notice not in html
    assert re.search(r'<button class="button button--donate button--large" type="submit">', html)


def test_donation_page_notice_is_the_editors_message_when_given(client, site_tree, settings):
    settings.STRIPE_SECRET_KEY = ""
    page = site_tree["donation"]
    page.not_configured_message = "ただいまオンライン寄付を準備しています。"
    publish(page)
    html = html_of(client.get(page.url))
    assert "ただいまオンライン寄付を準備しています。" in html
    assert "現在、オンラインでのご寄付を準備中です" not in html


def test_story_hero_alt_text_is_per_page_and_falls_back_to_the_image_description(client, site_tree):
    image = site_tree["image"]
    image.description = "夕暮れの山並みのイラスト"
    image.save()
    en_story = site_tree["en_story"]
    en_story.hero_image_alt = "Illustration of mountains at dusk"
    publish(en_story)

    ja_html = html_of(client.get(site_tree["story"].url))
    en_html = html_of(client.get(en_story.url))
    en_index = html_of(client.get(site_tree["en_index"].url))

    assert re.search(r'<div class="story__hero container"><img [^>]*alt="夕暮れの山並みのイラスト"', ja_html)
    assert re.search(
        r'<div class="story__hero container"><img [^>]*alt="Illustration of mountains at dusk"', en_html
    )
    assert "夕暮れの山並み" not in en_html
    # The English story card describes the picture in English too.
    assert 'alt="Illustration of mountains at dusk"' in en_index


def test_image_blocks_carry_their_own_alt_text_per_translation(client, site_tree):
    image = site_tree["image"]
    story, en_story = site_tree["story"], site_tree["en_story"]
    for page, alt in ((story, "静かな通りの写真"), (en_story, "A quiet street")):
        page.body = json.dumps(
            [
                {
                    "type": "image",
                    "value": {
                        "image": {"image": image.pk, "alt_text": alt, "decorative": False},
                        "caption": "",
                    },
                }
            ]
        )
        publish(page)
    assert re.search(
        r'<figure class="body-image">\s*<img [^>]*alt="静かな通りの写真"', html_of(client.get(story.url))
    )
    assert re.search(
        r'<figure class="body-image">\s*<img [^>]*alt="A quiet street"', html_of(client.get(en_story.url))
    )

    en_home = site_tree["en_home"]
    body = en_home.body.get_prep_value()
    hero = next(block for block in body if block["type"] == "hero")
    hero["value"]["image"] = {
        "image": image.pk,
        "alt_text": "People side by side at sunset",
        "decorative": False,
    }
    en_home.body = json.dumps(body)
    publish(en_home)
    assert re.search(
        r'<img [^>]*alt="People side by side at sunset"[^>]*class="hero__img"|'
        r'<img [^>]*class="hero__img"[^>]*alt="People side by side at sunset"',
        html_of(client.get("/en/")),
    )
