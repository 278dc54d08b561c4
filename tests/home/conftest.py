import datetime
import json

import pytest
from django.core.cache import cache
from wagtail.models import Locale, Page, Site

from home import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def locales(db):
    ja = Locale.objects.get_or_create(language_code="ja")[0]
    en = Locale.objects.get_or_create(language_code="en")[0]
    return {"ja": ja, "en": en}


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def translate(page, locale, **changes):
    translated = page.copy_for_translation(locale)
    for name, value in changes.items():
        setattr(translated, name, value)
    return publish(translated)


def campaign_body(*, image, mentions, awards, testimonials, faqs, story, donation_page=None) -> str:
    """Raw StreamField JSON (ids, as stored), the way the demo loader also writes it."""
    blocks = [
        (
            "hero",
            {
                "heading": "あなたもWELgeeファミリーになりませんか?",
                "lead": "難民とともに未来を築く",
                "image": image.pk,
                "cta": {"label": "寄付する", "page": donation_page.pk if donation_page else None, "url": ""},
            },
        ),
        (
            "member_counter",
            {
                "label": "現在のファミリー",
                "count": 502,
                "as_of": "2024-03-12",
                "use_live_count": False,
                "note": "",
            },
        ),
        (
            "media_mentions",
            {
                "heading": "掲載メディア",
                "headline_total": "150+",
                "text": "国内外のメディアに掲載",
                "mentions": [m.pk for m in mentions],
            },
        ),
        ("partners", {"heading": "協働企業", "intro": "多種多様な企業と協働"}),
        ("awards", {"heading": "受賞歴", "intro": "", "awards": [a.pk for a in awards]}),
        (
            "impact_figures",
            {
                "heading": "WELgee's ACTION",
                "intro": "",
                "figures": [
                    {
                        "value": "2,350",
                        "unit": "名以上",
                        "label": "ウクライナから日本に入国した方",
                        "as_of": "2023-03-15",
                        "note": "",
                    },
                    {
                        "value": "800",
                        "unit": "名以上",
                        "label": "アフガニスタンから日本に入国した方",
                        "as_of": "2022-08-01",
                        "note": "",
                    },
                ],
            },
        ),
        (
            "story_teaser",
            {"heading": "Rさんのストーリー", "story": story.pk, "excerpt": "", "link_label": ""},
        ),
        (
            "about",
            {
                "heading": "WELgeeについて",
                "text": "<p>就労・キャリアを手段にプログラムを展開しています。</p>",
                "points": [
                    {"title": "双方への伴走", "text": "企業と人材の双方に伴走します。"},
                    {"title": "お試し雇用", "text": "本採用の前に短期間の試験雇用をします。"},
                    {"title": "定着サポート", "text": "入社後も継続してサポートします。"},
                ],
            },
        ),
        (
            "donation_tiers",
            {
                "heading": "毎月のご寄付でできること",
                "intro": "",
                "tiers": [
                    {"amount_jpy": 1000, "achievement": "1名の企業面談まで伴走", "footnote": ""},
                    {"amount_jpy": 5000, "achievement": "1名の採用まで伴走", "footnote": ""},
                    {"amount_jpy": 10000, "achievement": "ビジネス日本語を習得する機会", "footnote": ""},
                ],
                "note": "※1年間ご寄付を続けられた場合",
            },
        ),
        (
            "member_benefits",
            {
                "heading": "ファミリーの特典",
                "benefits": [
                    {"icon": "report", "title": "活動成果をお伝えします", "text": "年に数回の報告書"},
                    {"icon": "community", "title": "限定グループ", "text": "Facebookグループ"},
                    {"icon": "newsletter", "title": "ファミリー通信", "text": "毎月のメールマガジン"},
                ],
            },
        ),
        ("testimonials", {"heading": "応援の声", "testimonials": [t.pk for t in testimonials]}),
        ("faq", {"heading": "よくある質問", "show_all": False, "faqs": [f.pk for f in faqs]}),
        (
            "closing_appeal",
            {
                "heading": "いまだからこそ",
                "text": "<p>皆さんの力を貸していただけませんか?</p>",
                "cta": {"label": "ファミリーになる", "page": None, "url": "https://example.org/join"},
            },
        ),
    ]
    return json.dumps([{"type": name, "value": value} for name, value in blocks])


@pytest.fixture
def site_tree(locales):
    """A Japanese site with every page type and block, and its English translation."""
    root = Page.get_first_root_node()
    home = factories.HomePageFactory(parent=root, title="WELgeeファミリー", slug="welgee-home")
    Site.objects.all().delete()
    site = Site.objects.create(
        hostname="testserver", port=80, root_page=home, is_default_site=True, site_name="WELgee"
    )

    image = factories.ImageFactory(title="ヒーロー画像")
    index = factories.StoryIndexPageFactory(parent=home, title="ストーリー")
    story = factories.StoryPageFactory(
        parent=index, title="Rさんの物語", hero_image=image, date=datetime.date(2023, 3, 15)
    )
    story.region_tags.add("アフガニスタン")
    story.topic_tags.add("就労")
    publish(story)
    older = factories.StoryPageFactory(parent=index, title="古い物語", date=datetime.date(2020, 1, 1))
    donation = factories.DonationPageFactory(parent=home, title="寄付する", show_in_menus=True)
    standard = factories.StandardPageFactory(
        parent=home, title="WELgeeについて", slug="about", show_in_menus=True
    )

    mentions = [
        factories.MediaMentionFactory(outlet="日本テレビ「news zero」", logo=factories.ImageFactory()),
        factories.MediaMentionFactory(outlet="日本経済新聞", kind="newspaper"),
    ]
    awards = [
        factories.AwardFactory(title="Forbes 30 Under 30 Asia", logo=factories.ImageFactory()),
        factories.AwardFactory(title="Forbes JAPAN 30 UNDER 30"),
    ]
    testimonials = [
        factories.TestimonialFactory(name="松村 岳史", photo=factories.ImageFactory()),
        factories.TestimonialFactory(name="水溜 智士"),
    ]
    faqs = [
        factories.FAQFactory(question="継続寄付の使途は?"),
        factories.FAQFactory(question="企業からの寄付は?"),
    ]

    home.body = campaign_body(
        image=image,
        mentions=mentions,
        awards=awards,
        testimonials=testimonials,
        faqs=faqs,
        story=story,
        donation_page=donation,
    )
    publish(home)

    en = locales["en"]
    en_home = translate(home, en, title="WELgee family")
    en_index = translate(index, en, title="Stories")
    en_story = translate(story, en, title="R's story")
    en_donation = translate(donation, en, title="Donate")
    return {
        "site": site,
        "home": home,
        "index": index,
        "story": story,
        "older_story": older,
        "donation": donation,
        "standard": standard,
        "image": image,
        "mentions": mentions,
        "awards": awards,
        "testimonials": testimonials,
        "faqs": faqs,
        "en_home": en_home,
        "en_index": en_index,
        "en_story": en_story,
        "en_donation": en_donation,
    }


@pytest.fixture
def public_urls(site_tree) -> dict[str, str]:
    """One address of every public page type, in both languages where it has two: the tests that
    visit them all (the page cache, the security headers) read this one list."""
    return {
        "campaign ja": "/",
        "campaign en": "/en/",
        "story index ja": site_tree["index"].url,
        "story index en": site_tree["en_index"].url,
        "story ja": site_tree["story"].url,
        "story en": site_tree["en_story"].url,
        "standard ja": site_tree["standard"].url,
        "donation ja": site_tree["donation"].url,
        "donation en": site_tree["en_donation"].url,
        "search ja": "/search/?query=物語",
        "search en": "/en/search/?query=story",
        "autocomplete": "/search/?query=物&autocomplete=1",
        "newsletter ja": "/newsletter/",
        "newsletter en": "/en/newsletter/",
        "manage gift": "/donate/manage/",
        "404 ja": "/no-such-page/",
        "404 en": "/en/no-such-page/",
    }
