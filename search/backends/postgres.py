"""PostgreSQL half of search.backends.database."""

from __future__ import annotations

from modelsearch.backends.database.postgres import postgres as pg
from modelsearch.utils import get_content_type_pk

from search.backends.base import AnalysedIndexerMixin, AnalysedQueryMixin


class PostgresObjectIndexer(AnalysedIndexerMixin, pg.ObjectIndexer):
    pass


class PostgresIndex(pg.PostgresIndex):
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


class PostgresSearchBackend(AnalysedQueryMixin, pg.PostgresSearchBackend):
    index_class = PostgresIndex

    def __init__(self, params):
        # Words arrive analysed and stemmed already: the "simple" configuration only lower-cases,
        # where "english" would stem a second time and drop words as stop words.
        super().__init__({"SEARCH_CONFIG": "simple", **params})
