"""SQLite FTS5 half of search.backends.database (imported only on SQLite: the stock module
looks up its FTS model at import time)."""

from __future__ import annotations

from django.db.models import Case, FloatField, Func, Value, When
from modelsearch.backends.database.sqlite import sqlite as lite
from modelsearch.backends.database.sqlite.query import AndNot, MatchExpression, SQLiteFTSIndexEntry, normalize
from modelsearch.query import MatchAll, Not, Phrase, PlainText
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks

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


class RankedSQLiteSearchQueryCompiler(SQLiteSearchQueryCompiler):
    """Ranks with one FTS query instead of the stock per-row score subquery.

    The stock compiler annotates every candidate row with a correlated subquery that runs the
    FTS match again: fine for a few hundred pages, seconds for a word found in thousands. Here the
    match runs once, returning every matching entry's score; the page's own filters (locale,
    live...) run once on the page table; sorting happens in Python and only the requested slice
    is loaded, with its scores attached.
    """

    def _ranked(self, config) -> list[tuple[int, float]] | None:
        """[(pk, score)] best first (bm25: lower is better), or None to use the stock path."""
        cached = getattr(self, "_ranked_cache", None)
        if cached is not None:
            return cached
        query = normalize(self.query)
        if not self.order_by_relevance or isinstance(query, MatchAll | Not | AndNot):
            return None
        match = MatchExpression(
            self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config=config)
        )
        entries = SQLiteFTSIndexEntry.objects.filter(match).filter(
            index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model)
        )
        scores = dict(
            entries.annotate(
                score=self._build_rank_expression(self.get_search_vectors(), config)
            ).values_list("index_entry__object_id", "score")
        )
        allowed = self.queryset.filter(pk__in=entries.values("index_entry__object_id")).values_list(
            "pk", flat=True
        )
        ranked = sorted(((pk, scores[str(pk)]) for pk in allowed), key=lambda item: (item[1], -item[0]))
        self._ranked_cache = ranked
        return ranked

    def search(self, config, start, stop, score_field=None):
        ranked = self._ranked(config)
        if ranked is None:
            return super().search(config, start, stop, score_field=score_field)
        window = ranked[start:stop]
        queryset = self.queryset.filter(pk__in=[pk for pk, _score in window])
        score_field = score_field or "_score"
        if window and (start is not None or stop is not None):
            score = Case(*(When(pk=pk, then=Value(value)) for pk, value in window), output_field=FloatField())
            queryset = queryset.annotate(**{score_field: score}).order_by(score_field, "-pk")
        return queryset

    def count(self, config) -> int | None:
        ranked = self._ranked(config)
        return None if ranked is None else len(ranked)


class SQLiteSearchResults(lite.SQLiteSearchResults):
    def _do_count(self):
        # Autocomplete keeps the stock compiler, which has no count().
        counter = getattr(self.query_compiler, "count", None)
        count = counter(self.query_compiler.get_config(self.backend)) if counter else None
        return super()._do_count() if count is None else count


class SQLiteSearchBackend(AnalysedQueryMixin, lite.SQLiteSearchBackend):
    index_class = SQLiteIndex
    query_compiler_class = RankedSQLiteSearchQueryCompiler
    results_class = SQLiteSearchResults
