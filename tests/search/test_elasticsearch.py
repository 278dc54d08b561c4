"""The Elasticsearch 9 backend, checked without a cluster: what it would send is built locally."""

import pytest
from wagtail.models import Page

from search.backends.elasticsearch import (
    PRETOKENISED,
    PRETOKENISED_EDGENGRAM,
    JapaneseElasticsearchSearchBackend,
)


@pytest.fixture
def backend():
    # The client connects lazily: building the backend and its request bodies needs no cluster.
    return JapaneseElasticsearchSearchBackend({"URLS": ["http://es.invalid:9200"], "INDEX_PREFIX": "t_"})


def test_index_settings_split_on_whitespace_only(backend):
    analyzers = backend.settings["settings"]["analysis"]["analyzer"]
    assert analyzers["default"]["tokenizer"] == "whitespace"
    assert analyzers[PRETOKENISED]["tokenizer"] == "whitespace"
    assert "edgengram" in analyzers[PRETOKENISED_EDGENGRAM]["filter"]
    # Wagtail's own analyzers stay available for fields that name them.
    assert "edgengram_analyzer" in analyzers


def test_mapping_uses_pretokenised_autocomplete(backend):
    mapping = backend.mapping_class(Page).get_mapping()["properties"]
    assert mapping["_edgengrams"]["analyzer"] == PRETOKENISED_EDGENGRAM
    assert mapping["_edgengrams"]["search_analyzer"] == PRETOKENISED
    assert mapping["title_edgengrams"]["analyzer"] == PRETOKENISED_EDGENGRAM
    # The title keeps Wagtail's boost field, so titles still weigh more than body text.
    assert "_all_text_boost_2_0" in mapping["title"]["copy_to"]


@pytest.mark.django_db
def test_document_holds_analysed_words(backend):
    page = Page(pk=991, title="支援を受けたサーバー管理者", slug="x", path="00019999", depth=2)
    document = backend.mapping_class(Page).get_document(page)
    # Each noun also under its folded reading, for queries typed in kana or romaji.
    assert document["title"].split() == [
        *("支援", "しえん", "受ける", "サーバ", "さば"),
        *("管理者", "かんりしゃ", "管理", "かんり", "者"),
    ]
    assert document["_edgengrams"] == [document["title"]]


@pytest.mark.django_db
def test_query_body_carries_analysed_words(backend):
    results = backend.search("難民を支援した ＳＥＲＶＥＲ", Page)
    query = results.query_compiler.get_query()
    text = repr(query)
    assert "難民 支援 server" in text
    assert "を" not in text


@pytest.mark.django_db
def test_query_body_reads_kana_and_corrects_typos_like_the_database_backends(backend):
    from collections import Counter

    from search import vocabulary

    vocabulary.record(
        Counter({("あふがにすたん", "アフガニスタン"): 2, ("refugees", "refugees"): 3}),
        index="t_wagtailcore_page",
    )
    query = repr(backend.search("あふがにすたん refugess", Page).query_compiler.get_query())
    # Hiragana read as the indexed reading, the typo as written and as the indexed word.
    assert "'あふがにすたん'" in query
    assert "廃る" not in query  # Sudachi's split of the unknown hiragana is not searched
    assert "'refugess'" in query and "'refuge'" in query
    assert "should" in query  # the typo and its correction are alternatives
    # A query as written stays one plain match (the ranking the relevance set measured).
    plain = repr(backend.search("難民 refugees", Page).query_compiler.get_query())
    assert "should" not in plain and "難民 refuge" in plain


@pytest.mark.django_db
def test_index_records_its_vocabulary_and_a_rebuild_starts_it_afresh(backend):
    from search.backends.elasticsearch import JapaneseElasticsearchAtomicRebuilder
    from search.models import IndexedWord

    index = backend.get_index_for_model(Page)
    IndexedWord.objects.create(index=index.get_key(), term="stale", written="stale", occurrences=1)
    rebuilder = JapaneseElasticsearchAtomicRebuilder(index)
    # No cluster: only what the rebuilder does to the vocabulary is checked here.
    rebuilder.index.put = lambda: None
    rebuilder.start()
    assert not IndexedWord.objects.filter(term="stale").exists()
    rebuilder.index.backend.bulk = lambda *args, **kwargs: None
    rebuilder.index.add_items(Page, [Page(pk=992, title="就労支援", slug="y", path="00019998", depth=2)])
    written = dict(IndexedWord.objects.filter(index=index.get_key()).values_list("term", "written"))
    assert written["しゅろ"] == "就労"


@pytest.mark.django_db
def test_query_of_only_punctuation_sends_nothing(backend):
    # Nothing searchable is left, so no request is built and no connection is attempted.
    assert list(backend.search('"*" -- OR。、！？', Page)) == []


@pytest.mark.django_db
def test_story_document_analyses_streamfield_rich_text_and_tags(backend):
    from home.models import StoryPage

    story = StoryPage(
        title="サーバーエンジニアになる",
        intro="留学生が受けた支援",
        body=[{"type": "paragraph", "value": "<p>クーデターで<b>帰国</b>できなくなった</p>"}],
        after_story="<p>Refugees</p>",
    )
    story.region_tags.add("ミャンマー")
    document = backend.mapping_class(StoryPage).get_document(story)
    flat = repr(document)
    for word in ["サーバ", "受ける", "クーデタ", "帰国", "refuge", "ミャンマ"]:
        assert word in flat, word
    assert "<b>" not in flat
    mapping = backend.mapping_class(StoryPage).get_mapping()["properties"]
    assert any(value.get("type") == "nested" for value in mapping.values())
