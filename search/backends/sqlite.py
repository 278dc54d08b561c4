"""SQLite FTS5 half of search.backends.database (imported only on SQLite: the stock module
looks up its FTS model at import time)."""

from __future__ import annotations

from django.db.models import FloatField, Func
from modelsearch.backends.database.sqlite import sqlite as lite
from modelsearch.backends.database.sqlite.query import SQLiteFTSIndexEntry
from modelsearch.query import Not, Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from search.backends.base import AnalysedIndexerMixin, AnalysedQueryMixin

# How much more a match in the title counts than one in the body. (PostgreSQL takes the
# SearchField boosts instead: title boost=2 maps to tsvector weight A.)
TITLE_WEIGHT = 5.0


class SQLiteObjectIndexer(AnalysedIndexerMixin, lite.ObjectIndexer):
    pass


class TitleWeightedBM25(Func):
    """FTS5's bm25() with per-column weights; the FTS table's columns are (autocomplete, body, title)."""

    output_field = FloatField()

    def __init__(self):
        super().__init__()

    def as_sql(self, compiler, connection, function=None, template=None):
        return f"bm25({SQLiteFTSIndexEntry._meta.db_table}, 1.0, 1.0, {TITLE_WEIGHT})", []


class SQLiteIndex(lite.SQLiteIndex):
    def add_items(self, model, objs):
        # Mirrors lite.SQLiteIndex.add_items (which names its ObjectIndexer directly), with our
        # analysing indexer and one query for the rows that already exist.
        if not model.get_search_fields():
            return
        indexers = [SQLiteObjectIndexer(obj, self.backend) for obj in objs]
        if not indexers:
            return

        content_type_pk = get_content_type_pk(model)
        data = {indexer.id: (indexer.title, indexer.autocomplete, indexer.body) for indexer in indexers}
        entries_for_ct = self.entries.filter(content_type_id=content_type_pk)
        existing = {
            entry.object_id: entry for entry in entries_for_ct.filter(object_id__in=list(data.keys()))
        }
        changed = []
        for object_id, entry in existing.items():
            entry.title, entry.autocomplete, entry.body = data[object_id]
            changed.append(entry)
        if changed:
            lite.IndexEntry._default_manager.bulk_update(changed, ["title", "autocomplete", "body"])
        self.entries.bulk_create(
            [
                lite.IndexEntry(
                    content_type_id=content_type_pk,
                    object_id=object_id,
                    title=title,
                    autocomplete=autocomplete,
                    body=body,
                )
                for object_id, (title, autocomplete, body) in data.items()
                if object_id not in existing
            ]
        )
        self._refresh_title_norms()


class SQLiteSearchQueryCompiler(lite.SQLiteSearchQueryCompiler):
    def build_tsrank(self, vector, query, config=None, boost=1.0):
        if isinstance(query, Phrase | PlainText | Not):
            rank = TitleWeightedBM25()
            return rank * boost if boost != 1.0 else rank
        return super().build_tsrank(vector, query, config=config, boost=boost)


class SQLiteSearchBackend(AnalysedQueryMixin, lite.SQLiteSearchBackend):
    index_class = SQLiteIndex
    query_compiler_class = SQLiteSearchQueryCompiler
