"""The fundraisers' donor listing at 100,000 donors: milliseconds and queries per request.

    .venv/bin/python -m bench.bench_crm_listing [--donors 100000] [--database-url URL]

Uses PostgreSQL at postgres://postgres@127.0.0.1:5432/bench_crm when it is reachable (the
database is created if missing and seeded once: a later run reuses the donors), else a throwaway
SQLite file; --database-url (or BENCH_CRM_LISTING_DATABASE_URL) points it at another database.
`seed_crm --seed 1` fills it, then VACUUM ANALYZE runs if the tables were never vacuumed (a server
with autovacuum off would otherwise count rows by reading the whole heap).

The CRM's donor index (/admin/crm/donors/) is requested through Django's test client as a
superuser: a plain listing, a search ("さとう"), filters (monthly members, subscribed), filters
plus a search, and the sorts by lifetime value, last gift and membership (both directions, and
with a filter or a search), each at page sizes 25 and 100. Per case: median and p95 milliseconds of REPEATS
requests after a warm-up, the CPU milliseconds the request cost this process (rendering), and the
query count, which must not grow with the page size: every figure of a row (lifetime value, last
gift, membership) comes from the stored giving summary joined in the one listing query.
The work happens in a child process so the harness's other benchmarks keep their own Django setup.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/bench_crm"
QUERIES = {
    "plain": "",
    "search": "q=さとう",
    "filter": "member=true&newsletter_status=subscribed",
    "filter_search": "member=true&newsletter_status=subscribed&q=さとう",
    # Sorts by the stored giving summary (crm_donorgiving), each direction, alone and combined.
    "sort_lifetime_desc": "ordering=-lifetime_value",
    "sort_lifetime_asc": "ordering=lifetime_value",
    "sort_last_gift_desc": "ordering=-last_gift_at",
    "sort_last_gift_asc": "ordering=last_gift_at",
    "sort_member_since": "ordering=member_since",
    "sort_member_since_desc": "ordering=-member_since",
    "filter_sort_lifetime": "member=true&newsletter_status=subscribed&ordering=-lifetime_value",
    "search_sort_lifetime": "q=さとう&ordering=-lifetime_value",
}
PAGE_SIZES = (25, 100)
REPEATS = 9


def _postgres_url() -> str | None:
    """PG_URL if the server answers, creating the database when it doesn't exist yet."""
    try:
        import psycopg
    except ImportError:
        return None
    try:
        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
        ) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname = 'bench_crm'").fetchone():
                c.execute("CREATE DATABASE bench_crm")
    except psycopg.Error:
        return None
    return PG_URL


def run(donors: int = 100_000, database_url: str | None = None) -> dict:
    url = database_url or os.environ.get("BENCH_CRM_LISTING_DATABASE_URL") or _postgres_url()
    with tempfile.TemporaryDirectory(prefix="bench_crm_listing_") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": url or f"sqlite:///{tmp}/listing.sqlite3",
        }
        proc = subprocess.run(
            [sys.executable, "-m", "bench.bench_crm_listing", "--child", "--donors", str(donors)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-1500:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _vacuum_if_never_vacuumed(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('crm_donor', 'crm_donorgiving')"
            " AND last_vacuum IS NULL AND last_autovacuum IS NULL"
        )
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("VACUUM ANALYZE")
    return True


def _child(donors: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from crm.donors.viewsets import DonorIndexView
    from crm.management.commands.seed_crm import seed_crm
    from crm.models import Donation, Donor

    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    figures: dict = {"backend": connection.vendor, "donors": donors}
    figures["migrate_s"] = round(time.perf_counter() - started, 1)
    existing = Donor.objects.count()
    if existing < donors:
        # The same seed regenerates the donors already there (skipped) and adds the rest.
        result = seed_crm(donors=donors, seed=1)
        figures["seed_s"] = result.seconds
    if connection.vendor == "postgresql":
        figures["vacuumed"] = _vacuum_if_never_vacuumed(connection)
    figures["donors_in_db"] = Donor.objects.count()
    figures["donations_in_db"] = Donation.objects.count()

    user, _ = get_user_model().objects.get_or_create(
        username="bench-fundraiser", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)

    for name, query in QUERIES.items():
        for size in PAGE_SIZES:
            # The viewset fixes the page size; the benchmark varies it to show queries stay flat.
            DonorIndexView.get_paginate_by = lambda self, queryset, size=size: size
            url = f"/admin/crm/donors/?{query}"
            client.get(url)  # warm caches (templates, content types, permissions)
            timings, cpu, db, queries = [], [], [], 0
            for _ in range(REPEATS):
                with CaptureQueriesContext(connection) as captured:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
                queries = len(captured)
                db.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            key = f"{name}_p{size}"
            figures[f"{key}_ms"] = round(statistics.median(timings), 1)
            figures[f"{key}_p95_ms"] = round(_p95(timings), 1)
            figures[f"{key}_cpu_ms"] = round(statistics.median(cpu), 1)
            # The database's share (the queries' wall time): on a loaded machine the rest is waiting.
            figures[f"{key}_db_ms"] = round(statistics.median(db), 1)
            figures[f"{key}_queries"] = queries
    figures["load_avg_1m"] = round(os.getloadavg()[0], 2)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donors", type=int, default=100_000)
    parser.add_argument("--database-url", help="a database of your own (default: bench_crm on PostgreSQL)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.donors), ensure_ascii=False))
    else:
        print(json.dumps({"bench": "crm_listing", **run(args.donors, args.database_url)}, ensure_ascii=False))
