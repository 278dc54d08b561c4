"""What keeps a search fast with thousands of stories (bench/bench_search.py measures it)."""

import pytest
from django.db import connection
from wagtail.models import Locale, Page

from search import analysis
from search.selectors import site_search

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
def test_postgres_search_filter_can_use_the_title_body_gin_index():
    from wagtail.search.models import IndexEntry

    table = IndexEntry._meta.db_table
    root = Page.get_first_root_node()
    root.add_child(instance=Page(title="難民と共に働く", slug="work"))
    results = Page.objects.all().search("難民")
    sql, _params = results.get_queryset().query.sql_with_params()
    # The index serves exactly this expression: if modelsearch ever words its filter differently,
    # the index is dead weight and searches read every row again.
    assert f'("{table}"."title" || "{table}"."body") @@' in sql
    with connection.cursor() as cursor:
        # A handful of rows: the planner would rather scan them; forbid that to see the index is usable.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM {table} WHERE (title || body) @@ to_tsquery('simple', %s)", ["難民"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_indexentry_title_body_gin" in plan, plan
    assert [page.slug for page in results] == ["work"]


def test_the_tokenizer_is_made_once_per_thread():
    assert analysis._tokenizer() is analysis._tokenizer()
    assert analysis._dictionary() is analysis._dictionary()


def test_a_results_page_takes_a_fixed_number_of_queries(demo_site, django_assert_max_num_queries):
    locale = Locale.objects.get(language_code="ja")
    with django_assert_max_num_queries(8):
        results = site_search(query="難民", locale=locale)
        assert results.count() > 0
        assert len(list(results[:10])) > 0
