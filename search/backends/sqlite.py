"""SQLite FTS5 half of search.backends.database (imported only on SQLite: the stock module
looks up its FTS model at import time)."""

from __future__ import annotations

from django.db import connections
from django.db.models import Exists, FloatField, Func, OuterRef
from django.db.models.functions import Cast
from modelsearch.backends.database.sqlite import sqlite as lite
from modelsearch.backends.database.sqlite.query import AndNot, MatchExpression, SQLiteFTSIndexEntry, normalize
from modelsearch.query import And, Boost, MatchAll, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks

from search.backends.base import (
    AnalysedIndexerMixin,
    AnalysedQueryMixin,
    RankedHeadCompilerMixin,
    RankedResultsMixin,
    VocabularyIndexMixin,
    VocabularyRebuilderMixin,
    integer_pk_field,
)

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


class AnalysedSQLiteIndex(lite.SQLiteIndex):
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
        # One bm25() of the whole MATCH, whatever the query's shape: FTS5 scores all its
        # phrases together. The stock compiler multiplies (1 + bm25) per And branch, and bm25
        # is negative (lower is better), so a query read as Or(written, reading) would rank
        # its best matches last.
        if isinstance(query, Phrase | PlainText | Not | And | Or | Boost):
            rank = TitleWeightedBM25()
            return rank * boost if boost != 1.0 else rank
        return super().build_tsrank(vector, query, config=config, boost=boost)


class RankedSQLiteSearchQueryCompiler(RankedHeadCompilerMixin, SQLiteSearchQueryCompiler):
    """Ranks and cuts the page inside SQLite, with the total in the same query.

    The stock compiler annotates every candidate page with a correlated subquery that runs the
    FTS match again, then sorts them all: seconds for a word found in thousands of pages. Here
    one query runs the match once, keeps the entries whose page passes the caller's filters
    (live, locale, type, tag: checked per match by primary key), and returns the best
    RANKED_HEAD (page id, score) pairs sorted by bm25 together with how many matched. Pages
    past the head are ranked again with OFFSET, which visitors rarely ask for.
    """

    score_ascending = True

    def _matches(self, config):
        """Allowed matching entries annotated with object_pk and score; None for the stock path."""
        query = normalize(self.query)
        if not self.order_by_relevance or isinstance(query, MatchAll | Not | AndNot):
            return None
        page_id = integer_pk_field(self.queryset.model)
        if page_id is None:
            return None
        match = MatchExpression(
            self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config=config)
        )
        # Index entries keep object ids as text; the page's own table is looked up by its key.
        object_pk = Cast("index_entry__object_id", page_id)
        allowed = self.queryset.order_by().filter(pk=Cast(OuterRef("index_entry__object_id"), page_id))
        return (
            SQLiteFTSIndexEntry.objects.filter(match)
            .filter(index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model))
            .filter(Exists(allowed.values("pk")))
            .annotate(
                object_pk=object_pk,
                score=self._build_rank_expression(self.get_search_vectors(), config),
            )
        )

    def _head_rows(self, matches) -> list[tuple[int, float, int]]:
        sql, params = matches.values_list("object_pk", "score").order_by().query.sql_with_params()
        # bm25() only runs in the query that scans the FTS table, and a window function
        # (COUNT(*) OVER ()) moves it out of that context: the matches are materialised once,
        # then counted and sorted.
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(
                f"WITH matches AS MATERIALIZED ({sql}) "
                "SELECT object_pk, score, (SELECT COUNT(*) FROM matches) FROM matches "
                "ORDER BY score, object_pk DESC LIMIT %s",
                (*params, self.ranked_head),
            )
            return cursor.fetchall()


class SQLiteSearchResults(RankedResultsMixin, lite.SQLiteSearchResults):
    pass


class SQLiteIndex(VocabularyIndexMixin, AnalysedSQLiteIndex):
    pass


class SQLiteSearchRebuilder(VocabularyRebuilderMixin, lite.SQLiteSearchRebuilder):
    pass


class SQLiteSearchAtomicRebuilder(VocabularyRebuilderMixin, lite.SQLiteSearchAtomicRebuilder):
    pass


class SQLiteSearchBackend(AnalysedQueryMixin, lite.SQLiteSearchBackend):
    index_class = SQLiteIndex
    rebuilder_class = SQLiteSearchRebuilder
    atomic_rebuilder_class = SQLiteSearchAtomicRebuilder
    query_compiler_class = RankedSQLiteSearchQueryCompiler
    results_class = SQLiteSearchResults
