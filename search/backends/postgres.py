"""PostgreSQL half of search.backends.database."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Window,
)
from django.db.models.functions import Cast
from modelsearch.backends.database.postgres import postgres as pg
from modelsearch.query import And, Or, Phrase, PlainText
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


class PostgresObjectIndexer(AnalysedIndexerMixin, pg.ObjectIndexer):
    pass


class AnalysedPostgresIndex(pg.PostgresIndex):
    def add_items(self, model, objs):
        # Mirrors pg.PostgresIndex.add_items (which names its ObjectIndexer directly), with our
        # analysing indexer.
        if not model.get_search_fields():
            return
        indexers = [PostgresObjectIndexer(obj, self.backend) for obj in objs]
        if not indexers:
            return

        content_type_pk = get_content_type_pk(model)
        compiler = pg.InsertQuery(pg.IndexEntry).get_compiler(connection=self.write_connection)
        rows_sql = []
        params = []
        for indexer in indexers:
            params.extend((content_type_pk, indexer.id))
            vectors_sql = []
            for field_name, vector in (
                ("title", indexer.title),
                ("autocomplete", indexer.autocomplete),
                ("body", indexer.body),
            ):
                value = compiler.prepare_value(pg.IndexEntry._meta.get_field(field_name), vector)
                sql, vector_params = value.as_sql(compiler, self.write_connection)
                vectors_sql.append(sql)
                params.extend(vector_params)
            params.extend((indexer.title_text, indexer.body_text))
            rows_sql.append(f"(%s, %s, {', '.join(vectors_sql)}, 1.0, %s, %s)")

        with self.write_connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {pg.IndexEntry._meta.db_table}
                    (content_type_id, object_id, title, autocomplete, body, title_norm, title_text, body_text)
                (VALUES {", ".join(rows_sql)})
                ON CONFLICT (content_type_id, object_id)
                DO UPDATE SET title = EXCLUDED.title,
                              title_norm = 1.0,
                              autocomplete = EXCLUDED.autocomplete,
                              body = EXCLUDED.body,
                              title_text = EXCLUDED.title_text,
                              body_text = EXCLUDED.body_text
                """,
                params,
            )
        self._refresh_title_norms()


class TitleBody(Func):
    """An entry's title and body vectors as one: the expression search/migrations/0002's GIN index
    is built on, priced so the planner uses that index even for very common words."""

    function = "search_title_body"
    output_field = SearchVectorField()

    def __init__(self):
        super().__init__(F("title"), F("body"))


class RankedPostgresSearchQueryCompiler(RankedHeadCompilerMixin, pg.PostgresSearchQueryCompiler):
    """Ranks and cuts the page from the index table, with the total in the same query.

    The stock compiler joins every candidate page to its index entry, ranks them all and counts
    them again in a separate query. Here the GIN index on search_title_body() finds the matching
    entries, the caller's page filters (live, locale, type, tag) are checked per entry, and one
    query returns the best RANKED_HEAD (page id, score) pairs with the number of matches
    (COUNT(*) OVER ()). Pages past the head are ranked again with OFFSET.
    """

    def _matches(self, config):
        """Allowed matching entries annotated with object_pk and score; None for the stock path."""
        # MatchAll, Not and Fuzzy (and searches over named fields) keep the stock path.
        if not self.order_by_relevance or self.fields is not None:
            return None
        if not isinstance(self.query, PlainText | Phrase | And | Or):
            return None
        page_id = integer_pk_field(self.queryset.model)
        if page_id is None:
            return None
        search_query = self.build_tsquery(self.query, config=config)
        # The entry's columns, where the stock compiler reaches them through the page's relation.
        rank = self._build_rank_expression([(F("title"), F("title_norm")), (F("body"), 1.0)], config)
        # Compared as text, like the stock join: casting object_id to a number could fail on
        # entries of other models before the content type filter runs.
        allowed = (
            self.queryset.order_by()
            .annotate(_object_id=Cast("pk", CharField(max_length=50)))
            .filter(_object_id=OuterRef("object_id"))
        )
        return (
            pg.IndexEntry.objects.filter(
                content_type_id__in=get_descendants_content_types_pks(self.queryset.model)
            )
            .annotate(_vector_=TitleBody())
            .filter(_vector_=search_query)
            .filter(Exists(allowed.values("pk")))
            .annotate(object_pk=Cast("object_id", page_id), score=rank)
        )

    def _head_rows(self, matches) -> list[tuple[int, float, int]]:
        return list(
            matches.annotate(total=Window(Count("*")))
            .order_by(*self._best_first("score", "object_pk"))
            .values_list("object_pk", "score", "total")[: self.ranked_head]
        )


class PostgresSearchResults(RankedResultsMixin, pg.PostgresSearchResults):
    pass


class PostgresIndex(VocabularyIndexMixin, AnalysedPostgresIndex):
    pass


class PostgresSearchRebuilder(VocabularyRebuilderMixin, pg.PostgresSearchRebuilder):
    pass


class PostgresSearchAtomicRebuilder(VocabularyRebuilderMixin, pg.PostgresSearchAtomicRebuilder):
    pass


class PostgresSearchBackend(AnalysedQueryMixin, pg.PostgresSearchBackend):
    index_class = PostgresIndex
    rebuilder_class = PostgresSearchRebuilder
    atomic_rebuilder_class = PostgresSearchAtomicRebuilder
    query_compiler_class = RankedPostgresSearchQueryCompiler
    results_class = PostgresSearchResults

    def __init__(self, params):
        # Words arrive analysed and stemmed already: the "simple" configuration only lower-cases,
        # where "english" would stem a second time and drop words as stop words.
        super().__init__({"SEARCH_CONFIG": "simple", **params})
