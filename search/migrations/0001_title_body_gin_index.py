"""GIN index on the expression PostgreSQL's search filters on.

modelsearch's PostgreSQL compiler matches `(title || body) @@ query`; the stock GIN indexes on
`title` and on `body` alone can't serve that expression, so every search read and concatenated
every row's vectors (135 ms of a 150 ms query with 5,000 stories). SQLite (FTS5) needs nothing.
"""

from django.db import migrations

INDEX = "search_indexentry_title_body_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin ((title || body))")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
