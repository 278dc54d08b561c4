"""Wagtail search backends with Japanese analysis (see text_analysis).

- `search.backends.database`: wraps Wagtail's database backend (SQLite FTS5 / PostgreSQL).
- `search.backends.elasticsearch`: Wagtail's Elasticsearch 9 backend with pre-analysed fields.
"""
