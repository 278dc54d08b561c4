"""The Japanese-aware database backend, on whichever database the suite runs against."""

import io

import pytest
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from search.backends.base import AnalysedQueryMixin

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    root = Page.get_first_root_node()
    titles = {
        "refugee": "日本に逃れた難民等の人生は続く",
        "server": "サーバーを受け取った話",
        "english": "Refugees Rebuilding Careers in Japan",
        "wide": "ＷＥＬｇｅｅの挑戦",
    }
    made = {}
    for slug, title in titles.items():
        made[slug] = root.add_child(instance=Page(title=title, slug=slug))
    return made


def search_slugs(query, **kwargs):
    backend = get_search_backend()
    return [page.slug for page in backend.search(query, Page.objects.all(), **kwargs)]


def test_settings_select_our_backend():
    assert isinstance(get_search_backend(), AnalysedQueryMixin)


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("難民", "refugee"),
        ("逃れる", "refugee"),
        ("人生", "refugee"),
        ("サーバ", "server"),
        ("サーバー", "server"),
        ("ｻｰﾊﾞｰ", "server"),
        ("受け取る", "server"),
        ("refugee", "english"),
        ("REBUILD", "english"),
        ("career", "english"),
        ("welgee", "wide"),
        ("ＷＥＬＧＥＥ", "wide"),
    ],
)
def test_finds_words_inside_japanese_and_english_text(pages, query, slug):
    assert slug in search_slugs(query)


def test_unrelated_word_finds_nothing(pages):
    assert search_slugs("民主主義") == []


def test_punctuation_only_query_is_empty_not_an_error(pages):
    assert search_slugs('"*-^~!?。、') == []


def test_autocomplete_prefix(pages):
    backend = get_search_backend()
    assert [p.slug for p in backend.autocomplete("難", Page.objects.all())] == ["refugee"]
    assert "english" in [p.slug for p in backend.autocomplete("refu", Page.objects.all())]


def test_publishing_updates_the_index_at_once():
    root = Page.get_first_root_node()
    page = root.add_child(instance=Page(title="下書き", slug="draft", live=False))
    assert search_slugs("難民") == []
    page.title = "難民と共に働く"
    page.save_revision().publish()
    assert search_slugs("難民") == ["draft"]


def test_update_index_rebuilds_everything(pages):
    from django.core.management import call_command
    from wagtail.search.models import IndexEntry

    IndexEntry.objects.all().delete()
    assert search_slugs("難民") == []
    call_command("update_index", stdout=io.StringIO())
    assert search_slugs("難民") == ["refugee"]


def test_admin_page_search_uses_the_same_analysis(pages, admin_client):
    response = admin_client.get("/admin/pages/search/", {"q": "難民"})
    assert response.status_code == 200
    assert "日本に逃れた難民等の人生は続く" in response.content.decode()
    response = admin_client.get("/admin/pages/search/", {"q": "サーバ"})
    assert "サーバーを受け取った話" in response.content.decode()


@pytest.fixture
def many_refugee_pages():
    """Seven live pages about 難民, more relevant the more often they say it, and a draft."""
    root = Page.get_first_root_node()
    for number in range(1, 8):
        title = f"難民の話 {number} " + "難民 " * number
        root.add_child(instance=Page(title=title, slug=f"story-{number}"))
    root.add_child(instance=Page(title="難民 難民 難民 難民 難民 難民 難民 難民", slug="draft", live=False))


@pytest.fixture
def small_ranked_head(monkeypatch):
    """Rank only three results with the count, so the tests reach the pages past that head."""
    backend = get_search_backend()
    monkeypatch.setattr(backend.query_compiler_class, "ranked_head", 3)


def test_ranked_pages_past_the_head_continue_the_same_order(many_refugee_pages, small_ranked_head):
    live = Page.objects.live()
    everything = [page.slug for page in live.search("難民")]
    assert len(everything) == 7
    results = live.search("難民")
    assert results.count() == 7
    pages = [[page.slug for page in results[start : start + 3]] for start in (0, 3, 6)]
    assert pages == [everything[0:3], everything[3:6], everything[6:7]]
    assert [page.slug for page in results[2:5]] == everything[2:5]


def test_count_and_results_obey_the_callers_filters(many_refugee_pages):
    chosen = Page.objects.filter(slug__in=["story-1", "story-2", "draft"]).values_list("id", flat=True)
    results = Page.objects.live().filter(id__in=list(chosen)).search("難民")
    assert results.count() == 2
    assert {page.slug for page in results} == {"story-1", "story-2"}
    assert "draft" in [page.slug for page in Page.objects.all().search("難民")]


def test_unsliced_results_and_slices_agree(many_refugee_pages, small_ranked_head):
    results = Page.objects.live().search("難民")
    everything = [page.slug for page in results]
    assert len(everything) == 7
    assert [page.slug for page in Page.objects.live().search("難民")[0:10]] == everything
