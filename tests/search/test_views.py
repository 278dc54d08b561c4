"""The visitors' search page over the demo site."""

import json
from urllib.parse import quote

import pytest
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from home.models import StoryPage

pytestmark = pytest.mark.django_db

NASTY_INPUTS = [
    "",
    "   ",
    "難民" * 5000,  # 10,000 characters
    "x" * 10_000,
    "!!!???。。、、…‥「」『』",
    '"',
    '"unbalanced',
    "* NEAR OR -",
    'NEAR(a b) "phrase" -x OR y* AND NOT z',
    "title:難民 body:*",
    "'; DROP TABLE wagtailcore_page; --",
    "1' OR '1'='1",
    "%_\\%",
    "😀🎉🇯🇵",
    "難民refugee😀ＡＢＣｶﾀｶﾅ",
    "\x00\x1f\u200b",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("query", NASTY_INPUTS)
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_any_input_gets_a_page(demo_site, client, query, prefix):
    response = client.get(f"{prefix}/search/", {"query": query})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    suggest = client.get(f"{prefix}/search/", {"query": query, "autocomplete": "1"})
    assert suggest.status_code == 200
    assert isinstance(suggest.json()["suggestions"], list)


def test_results_are_in_the_current_language_with_highlight_tags_and_date(demo_site, client):
    ja = client.get("/search/", {"query": "難民"}).content.decode()
    assert "<mark>難民</mark>" in ja
    assert "/en/" not in ja.split('class="search-results"')[1].split("</ol>")[0]
    en = client.get("/en/search/", {"query": "refugees"}).content.decode()
    results = en.split('class="search-results"')[1].split("</ol>")[0]
    assert "/en/" in results
    assert "<mark>" in results
    assert "<time datetime=" in results


def test_inflected_query_highlights_the_form_in_the_text(demo_site, client):
    html = client.get("/search/", {"query": "夜を明かした"}).content.decode()
    assert "路上生活からエンジニアへ" in html
    assert "<mark>明かす</mark>" in html or "<mark>明かし</mark>" in html


def test_tag_filter_narrows_to_tagged_stories(demo_site, client):
    story = StoryPage.objects.get(slug="thiha-student-from-myanmar", locale__language_code="ja")
    tag = story.region_tags.first()
    html = client.get("/search/", {"query": "日本", "tag": tag.slug}).content.decode()
    results = html.split('class="search-results"')[1].split("</ol>")[0]
    assert story.title in results
    assert "ハルキウ" not in results


def test_empty_result_suggests_stories(demo_site, client):
    html = client.get("/search/", {"query": "ゾゾゾゾ ズズズズ"}).content.decode()
    assert 'class="search-empty"' in html
    assert 'class="search-suggestions"' in html


def test_pagination(demo_site, client):
    from search import views

    original = views.RESULTS_PER_PAGE
    views.RESULTS_PER_PAGE = 2
    try:
        first = client.get("/en/search/", {"query": "Japan"}).content.decode()
        second = client.get("/en/search/", {"query": "Japan", "page": "2"}).content.decode()
        beyond = client.get("/en/search/", {"query": "Japan", "page": "999"})
    finally:
        views.RESULTS_PER_PAGE = original
    assert 'rel="next"' in first
    assert 'rel="prev"' in second
    assert beyond.status_code == 200


def test_search_promotion_is_shown(demo_site, client):
    story = StoryPage.objects.get(slug="olena-from-ukraine", locale__language_code="ja")
    SearchPromotion.objects.create(query=Query.get("寄付"), page=story, description="おすすめ")
    html = client.get("/search/", {"query": "寄付"}).content.decode()
    assert 'class="search-promotions"' in html
    assert "おすすめ" in html


def test_autocomplete_returns_story_titles(demo_site, client):
    data = json.loads(client.get("/search/", {"query": "ハルキ", "autocomplete": "1"}).content)
    assert [item["title"] for item in data["suggestions"]] == [
        "ハルキウの会計士、横浜で帳簿をつける　オレナさん"
    ]
    data = json.loads(client.get("/en/search/", {"query": "Khar", "autocomplete": "1"}).content)
    assert data["suggestions"][0]["url"].startswith("/en/")


def test_form_works_without_javascript(demo_site, client):
    html = client.get("/search/").content.decode()
    assert '<form class="search-form" role="search" method="get" action="/search/">' in html
    assert 'name="query"' in html
    assert "search/autocomplete.js" in html


def test_result_cards_show_each_storys_tags(demo_site, client):
    story = StoryPage.objects.get(slug="thiha-student-from-myanmar", locale__language_code="ja")
    region = story.region_tags.first()
    html = client.get("/search/", {"query": story.title}).content.decode()
    card = html.split('class="search-results"')[1].split("</li>\n  ")[0]
    assert story.title in card
    assert f"tag={quote(region.slug)}" in card
    assert f">{region.name}</a>" in card


def test_a_new_tag_reaches_the_filter_once_its_story_is_published(demo_site, client):
    assert "避難生活" not in client.get("/search/").content.decode()
    story = StoryPage.objects.get(slug="thiha-student-from-myanmar", locale__language_code="ja")
    story.topic_tags.add("避難生活")
    story.save_revision().publish()
    assert "避難生活" in client.get("/search/").content.decode()


@pytest.mark.parametrize(
    ("prefix", "typed", "suggested", "title"),
    [
        ("", "しゅうろう", "就労", "路上生活からエンジニアへ"),
        ("", "kaikeishi", "会計士", "ハルキウの会計士"),
        ("/en", "jounalist", "journalist", "From journalist to programmer"),
    ],
)
def test_a_read_or_corrected_query_finds_the_word_and_offers_it(
    demo_site, client, prefix, typed, suggested, title
):
    html = client.get(f"{prefix}/search/", {"query": typed}).content.decode()
    assert title in html
    did_you_mean = html.split('class="search-did-you-mean"')[1].split("</p>")[0]
    assert f'?query={quote(suggested)}">{suggested}</a>' in did_you_mean


@pytest.mark.parametrize(
    ("prefix", "typed", "marked"),
    [("", "かんごし", "看護師"), ("", "kangoshi", "看護師"), ("/en", "refugess", "refugee")],
)
def test_the_word_found_is_marked_though_typed_otherwise(demo_site, client, prefix, typed, marked):
    html = client.get(f"{prefix}/search/", {"query": typed}).content.decode()
    assert f"<mark>{marked}</mark>" in html.split('class="search-results"')[1]


def test_did_you_mean_is_in_japanese_on_the_japanese_site(demo_site, client):
    html = client.get("/search/", {"query": "しゅうろう"}).content.decode()
    assert "もしかして" in html


@pytest.mark.parametrize(("prefix", "query"), [("", "就労"), ("", "アフガニスタン"), ("/en", "journalist")])
def test_no_did_you_mean_when_the_query_finds_pages_as_typed(demo_site, client, prefix, query):
    html = client.get(f"{prefix}/search/", {"query": query}).content.decode()
    assert 'class="search-results"' in html
    assert "search-did-you-mean" not in html


def test_autocomplete_reads_kana_and_romaji(demo_site, client):
    for query in ["かぶー", "kabuu", "カブ"]:
        response = client.get("/search/", {"query": query, "autocomplete": "1"})
        titles = [item["title"] for item in response.json()["suggestions"]]
        assert any("カブール" in title for title in titles), (query, titles)


def test_pages_under_a_view_restriction_are_not_found(demo_site):
    from wagtail.models import Locale, PageViewRestriction

    from search.selectors import site_search

    ja = Locale.objects.get(language_code="ja")
    found = list(site_search(query="難民", locale=ja)[:50])
    story = next(page for page in found if isinstance(page, StoryPage))
    index = story.get_parent()
    restriction = PageViewRestriction.objects.create(
        page=index, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    try:
        after = list(site_search(query="難民", locale=ja)[:50])
        assert story.pk not in {page.pk for page in after}
        assert not any(page.path.startswith(index.path) for page in after)
    finally:
        restriction.delete()
    assert story.pk in {page.pk for page in site_search(query="難民", locale=ja)[:50]}
