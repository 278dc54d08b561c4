import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    # Tests marked `postgres` exercise SQL-specific behaviour and concurrency; on SQLite they skip.
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)
