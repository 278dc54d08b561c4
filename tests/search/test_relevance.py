"""Relevance of the site search over the demo stories (tests/search/relevance.py)."""

import pytest

from tests.search.relevance import EXACT_SET, RELEVANCE_SET, TYPED_SET, evaluate


def test_the_set_is_big_and_varied_enough():
    assert len(EXACT_SET) >= 40
    assert len(TYPED_SET) >= 30
    kinds = {kind for _language, kind, _query, _slug in RELEVANCE_SET}
    assert kinds == {
        *("word", "two", "verb", "kana", "width", "romaji"),
        *("loanword", "reading", "variant", "typo", "possessive", "demonym"),
    }
    assert {language for language, *_ in RELEVANCE_SET} == {"ja", "en"}


def test_recall_and_mrr_meet_the_targets(demo_site, db, capsys):
    exact = evaluate(queries=EXACT_SET)
    typed = evaluate(queries=TYPED_SET)
    with capsys.disabled():
        print(f"\nrelevance ours, as written: {exact}")
        print(f"relevance ours, as typed: {typed}")
    # Reading kana and correcting typos must not push down what was found as written.
    assert exact["recall@10"] == 1.0, exact["misses"]
    assert exact["mrr"] == 1.0, exact["misses"]
    assert typed["recall@10"] >= 0.95, typed["misses"]
    assert typed["mrr"] >= 0.9, typed["misses"]


@pytest.mark.django_db
def test_stock_backend_figures_are_reported(demo_site, capsys):
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backend

    # The stock backend shares the index table: reindex with it (the module's transaction rolls
    # this back) and run the same set.
    stock = get_search_backend("wagtail.search.backends.database")
    for page in Page.objects.live().specific():
        stock.add(page)
    figures = evaluate(backend="wagtail.search.backends.database", queries=EXACT_SET)
    with capsys.disabled():
        print(f"\nrelevance stock: { {key: value for key, value in figures.items() if key != 'misses'} }")
    # The stock backend can't split Japanese: it must do clearly worse, or ours isn't needed.
    assert figures["recall@10"] < 0.8
