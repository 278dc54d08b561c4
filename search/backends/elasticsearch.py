"""Wagtail's Elasticsearch 9 backend with the same Japanese analysis as the database backend.

Selected when ELASTICSEARCH_URL is set (cms/settings/base.py).

Choice: pre-tokenised fields rather than Elasticsearch's kuromoji (or sudachi) plugin. Documents
and queries go through `text_analysis` in Python, and Elasticsearch only splits on whitespace.
Why:
- one analysis for every backend: the relevance test set measured on SQLite and PostgreSQL holds
  for Elasticsearch too, and a search behaves the same on a developer's laptop and in production;
- the stock `elasticsearch` image works as it is: no plugin install, no custom image to rebuild
  whenever Elasticsearch is upgraded (plugins must match the server version exactly);
- Sudachi's dictionary normalises spelling variants (サーバ/サーバー, 附属/付属) that kuromoji
  leaves apart.
The cost is that ES's own highlighter would show tokens, not source text; the search page builds
its excerpts server-side (search.highlight) anyway.
"""

from __future__ import annotations

from copy import deepcopy

from django.db import models
from modelsearch.backends.elasticsearch9 import (
    Elasticsearch9AutocompleteQueryCompiler,
    Elasticsearch9Index,
    Elasticsearch9Mapping,
    Elasticsearch9SearchBackend,
    Elasticsearch9SearchQueryCompiler,
    Elasticsearch9SearchResults,
)
from modelsearch.backends.elasticsearchbase import (
    ElasticsearchAtomicIndexRebuilder,
    ElasticsearchIndexRebuilder,
)
from modelsearch.index import AutocompleteField, SearchField

from search.backends.base import AnalysedQueryMixin, VocabularyIndexMixin, VocabularyRebuilderMixin
from text_analysis import analyze

PRETOKENISED = "welgee_pretokenised"
PRETOKENISED_EDGENGRAM = "welgee_pretokenised_edgengram"

ANALYSIS_SETTINGS = {
    "analyzer": {
        # Text arrives as our analyser's space-separated words: split on spaces and nothing else.
        # "default" makes every text field (also _all_text and the boost fields) use it.
        "default": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]},
        PRETOKENISED: {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]},
        # Autocomplete: prefixes of each word (難民 -> 難, 難民), not of each character.
        PRETOKENISED_EDGENGRAM: {
            "type": "custom",
            "tokenizer": "whitespace",
            "filter": ["lowercase", "edgengram"],
        },
    },
}


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return " ".join(_as_text(item) for item in value)
    if isinstance(value, dict):
        return " ".join(_as_text(item) for item in value.values())
    return str(value)


class JapaneseElasticsearchMapping(Elasticsearch9Mapping):
    edgengram_analyzer_config = {
        "analyzer": PRETOKENISED_EDGENGRAM,
        "search_analyzer": PRETOKENISED,
    }

    def _get_document_field_data(self, field, obj):
        if isinstance(field, SearchField | AutocompleteField):
            name = self.get_field_column_name(field)
            value = field.get_value(obj)
            if isinstance(value, models.Manager | models.QuerySet):
                value = [str(item) for item in value.all()]
            text = analyze(_as_text(value))
            return name, text, [text] if isinstance(field, AutocompleteField) else []
        return super()._get_document_field_data(field, obj)


class JapaneseElasticsearchIndex(VocabularyIndexMixin, Elasticsearch9Index):
    pass


class JapaneseElasticsearchRebuilder(VocabularyRebuilderMixin, ElasticsearchIndexRebuilder):
    pass


class JapaneseElasticsearchAtomicRebuilder(VocabularyRebuilderMixin, ElasticsearchAtomicIndexRebuilder):
    def __init__(self, index):
        super().__init__(index)
        # The new index replaces the alias's: it records the vocabulary under the alias's name.
        self.index.vocabulary_key = str(index.get_key())


class JapaneseElasticsearchSearchQueryCompiler(Elasticsearch9SearchQueryCompiler):
    mapping_class = JapaneseElasticsearchMapping


class JapaneseElasticsearchAutocompleteQueryCompiler(Elasticsearch9AutocompleteQueryCompiler):
    mapping_class = JapaneseElasticsearchMapping


class JapaneseElasticsearchSearchResults(Elasticsearch9SearchResults):
    pass


class JapaneseElasticsearchSearchBackend(AnalysedQueryMixin, Elasticsearch9SearchBackend):
    mapping_class = JapaneseElasticsearchMapping
    index_class = JapaneseElasticsearchIndex
    query_compiler_class = JapaneseElasticsearchSearchQueryCompiler
    autocomplete_query_compiler_class = JapaneseElasticsearchAutocompleteQueryCompiler
    results_class = JapaneseElasticsearchSearchResults
    rebuilder_class = JapaneseElasticsearchRebuilder
    atomic_rebuilder_class = JapaneseElasticsearchAtomicRebuilder

    settings = deepcopy(Elasticsearch9SearchBackend.settings)
    settings["settings"]["analysis"]["analyzer"].update(ANALYSIS_SETTINGS["analyzer"])


SearchBackend = JapaneseElasticsearchSearchBackend
