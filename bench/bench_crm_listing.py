"""The fundraisers' donor listing at 100,000 donors: milliseconds and queries per page.

    .venv/bin/python -m bench.bench_crm_listing [--donors 100000]

Uses PostgreSQL at postgres://postgres@127.0.0.1:5432/bench_crm when it is reachable (the
database is created if missing and seeded once: a later run reuses the donors), else a throwaway
SQLite file. `seed_crm --seed 1` fills it. The CRM's donor index (/admin/crm/donors/) is then
requested through Django's test client as a superuser, as a plain listing, with a filter
(monthly members, subscribed), and with a filter plus a search ("さとう"), at page sizes 20 and
100. The query count must not grow with the page size: every figure of a row (lifetime value,
last gift, membership) comes from subqueries of the one listing query. The work happens in a
child process so the harness's other benchmarks keep their own Django setup.
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
    "filter": "member=true&newsletter_status=subscribed",
    "filter_search": "member=true&newsletter_status=subscribed&q=さとう",
}
PAGE_SIZES = (20, 100)
REPEATS = 5


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


def run(donors: int = 100_000) -> dict:
    url = _postgres_url()
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


def _child(donors: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from crm.management.commands.seed_crm import seed_crm
    from crm.models import Donation, Donor
    from crm.viewsets import DonorIndexView

    call_command("migrate", verbosity=0, interactive=False)
    figures: dict = {"backend": connection.vendor, "donors": donors}
    existing = Donor.objects.count()
    if existing < donors:
        # The same seed regenerates the donors already there (skipped) and adds the rest.
        result = seed_crm(donors=donors, seed=1)
        figures["seed_s"] = result.seconds
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
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
            timings, queries = [], 0
            for _ in range(REPEATS):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
                queries = len(captured)
            figures[f"{name}_p{size}_ms"] = round(statistics.median(timings), 1)
            figures[f"{name}_p{size}_queries"] = queries
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donors", type=int, default=100_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.donors), ensure_ascii=False))
    else:
        print(json.dumps({"bench": "crm_listing", **run(args.donors)}, ensure_ascii=False))
