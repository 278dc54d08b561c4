"""Wagtail's database search backend, with Japanese analysis at index and at query time.

Settings: WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}.

Like `wagtail.search.backends.database`, `SearchBackend(params)` picks the implementation for the
default database: SQLite FTS5 (search.backends.sqlite) or PostgreSQL full-text search
(search.backends.postgres). Both index and search our analyser's output (space-separated
normalised words), so the engines' own word splitting has nothing left to get wrong. The stock
code does everything else: storage, ranking, filters, facets, rebuilds, signal-driven updates.
"""

from __future__ import annotations

from django.db import connection


def SearchBackend(params):  # Wagtail looks this name up in a backend module
    if connection.vendor == "postgresql":
        from search.backends.postgres import PostgresSearchBackend

        return PostgresSearchBackend(params)
    if connection.vendor == "sqlite":
        from search.backends.sqlite import SQLiteSearchBackend

        return SQLiteSearchBackend(params)
    raise NotImplementedError(
        f"search.backends.database supports SQLite and PostgreSQL, not {connection.vendor}; "
        "set ELASTICSEARCH_URL or use wagtail.search.backends.database."
    )
