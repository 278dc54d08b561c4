"""Counting saved segments at 100,000 donors and 1,000,000 donations on PostgreSQL.

    .venv/bin/python -m bench.bench_segments [--donors 100000] [--donations 1000000] [--explain]
        [--database NAME]

Drops and re-creates postgres://postgres@127.0.0.1:5432/bench_segments (or --database NAME, so
two people benchmarking at once don't drop each other's database), migrates it and fills it
in SQL (INSERT ... SELECT generate_series: seconds, not the ORM's minutes), then counts five
segments a fundraiser would build, each compiled by the real rule compiler (crm.segments) into one
query. Figures are the median of 5 counts per segment in milliseconds, and the slowest of them;
the target is < 300 ms each. `--explain` adds each segment's EXPLAIN ANALYZE plan on stderr.
The work runs in a child process so the harness's other benchmarks keep their own Django setup.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "bench_segments"
REPEATS = 5
TARGET_MS = 300
TODAY = "2026-06-15"

TAGS = [
    "vip",
    "volunteer",
    "board",
    "event-2024",
    "event-2025",
    "press",
    "alumni",
    "church",
    "school",
    "kobe",
]

# What fundraisers asked for, as rule trees (the shape the segment form stores).
SEGMENTS: dict[str, dict] = {
    "members_monthly_5000_plus": {
        "match": "all",
        "rules": [
            {"field": "membership", "operator": "is", "value": "member"},
            {"field": "monthly_amount", "operator": "gte", "value": "5000"},
        ],
    },
    "lapsed_last_year_not_this_year": {
        "match": "all",
        "rules": [{"field": "lapsed", "operator": "last_year_not_this_year", "value": ""}],
    },
    "ltv_30k_200k_english": {
        "match": "all",
        "rules": [
            {"field": "lifetime_value", "operator": "between", "value": "30000", "value2": "200000"},
            {"field": "language", "operator": "is", "value": "en"},
        ],
    },
    "tags_or_company": {
        "match": "any",
        "rules": [
            {"field": "tag", "operator": "has_any", "value": "vip, volunteer"},
            {"field": "company", "operator": "any", "value": ""},
        ],
    },
    "tenure_2y_and_subscribed": {
        "match": "all",
        "rules": [
            {"field": "tenure_months", "operator": "gte", "value": "24"},
            {"field": "newsletter", "operator": "is", "value": "subscribed"},
        ],
    },
}


def run(
    donors: int = 100_000, donations: int = 1_000_000, explain: bool = False, database: str = DB_NAME
) -> dict:
    import psycopg

    if not database.isidentifier():
        raise ValueError(f"not a plain database name: {database!r}")
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {database}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
    }
    args = [sys.executable, "-m", "bench.bench_segments", "--child"]
    args += ["--donors", str(donors), "--donations", str(donations)] + (["--explain"] if explain else [])
    proc = subprocess.run(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=None, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _defaults_for(model, given: set[str]) -> tuple[list[str], list]:
    """Columns the generator does not set, with each field's default: new fields don't break the SQL."""
    from django.db import connection

    columns, params = [], []
    for f in model._meta.concrete_fields:
        if f.column in given or f.primary_key:
            continue
        columns.append(connection.ops.quote_name(f.column))
        params.append(f.get_db_prep_save(f.get_default(), connection))
    return columns, params


def _insert(cursor, model, generated: dict[str, str], source: str, extra_params: list | None = None) -> None:
    """INSERT INTO table (generated..., defaults...) SELECT <generated exprs>, %s... FROM <source>."""
    from django.db import connection

    default_cols, default_params = _defaults_for(model, set(generated))
    cols = [connection.ops.quote_name(c) for c in generated] + default_cols
    # The generator's SQL uses % as modulo; double it so only the defaults are placeholders.
    exprs = [e.replace("%", "%%") for e in generated.values()] + ["%s"] * len(default_cols)
    source = source.replace("%", "%%")
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {source}"
    cursor.execute(sql, default_params + (extra_params or []))


def _fill(donors: int, donations: int) -> None:
    from django.db import connection
    from taggit.models import Tag

    from crm.models import Donation, Donor, PartnerCompany, RecurringDonation, TaggedDonor

    today = f"timestamptz '{TODAY} 12:00+09'"
    with connection.cursor() as cur:
        _insert(
            cur,
            PartnerCompany,
            {"id": "g", "name": "'Company ' || g", "created_at": "now()", "updated_at": "now()"},
            "generate_series(1, 100) g",
        )
        # Donors: 1 in 5 prefers English; consent spread over every status; 2% work at a partner.
        _insert(
            cur,
            Donor,
            {
                "id": "g",
                "email": "'d' || g || '@bench.example.org'",
                "family_name": "'Family' || (g % 997)",
                "given_name": "'Given' || (g % 101)",
                "preferred_language": "CASE WHEN g % 5 = 0 THEN 'en' ELSE 'ja' END",
                "newsletter_status": "(ARRAY['subscribed','subscribed','subscribed','subscribed',"
                "'subscribed','subscribed','unsubscribed','pending','cleaned','never'])[g % 10 + 1]",
                "company_id": "CASE WHEN g % 50 = 0 THEN 1 + (g / 50) % 100 END",
                "created_at": f"{today} - (g % 2000) * interval '1 day'",
                "updated_at": "now()",
            },
            f"generate_series(1, {donors}) g",
        )
        # A third of donors are or were monthly members at ¥1,000 / ¥3,000 / ¥5,000 / ¥10,000;
        # one in 8 of those gives yearly, one in 6 cancelled.
        _insert(
            cur,
            RecurringDonation,
            {
                "donor_id": "g",
                "amount": "CASE WHEN g % 8 = 0 THEN 12 ELSE 1 END"
                " * (ARRAY[1000, 3000, 5000, 10000])[g % 4 + 1]",
                "interval": "CASE WHEN g % 8 = 0 THEN 'year' ELSE 'month' END",
                "status": "CASE WHEN g % 6 = 0 THEN 'canceled' ELSE 'active' END",
                "started_at": f"{today} - (g % 1500) * interval '1 day'",
                "status_changed_at": "now()",
                "created_at": "now()",
                "updated_at": "now()",
            },
            f"generate_series(1, {donors}) g WHERE g % 3 = 0",
        )
        # Donations spread over five years and (by a multiplicative hash) over donors.
        _insert(
            cur,
            Donation,
            {
                "donor_id": f"1 + ((g::bigint * 2654435761) % 4294967296) % {donors}",
                "amount": "(ARRAY[1000, 3000, 5000, 10000, 30000])[g % 5 + 1]",
                "received_at": f"{today} - ((g * 37) % 1800) * interval '1 day'",
                "status": "CASE WHEN g % 33 = 0 THEN 'refunded' ELSE 'succeeded' END",
                "created_at": "now()",
            },
            f"generate_series(1, {donations}) g",
        )
        for i, name in enumerate(TAGS, start=1):
            Tag.objects.create(id=i, name=name, slug=name)
        _insert(
            cur,
            TaggedDonor,
            {"tag_id": f"1 + (g % {len(TAGS)})", "content_object_id": "g"},
            f"generate_series(1, {donors}) g WHERE g % 7 = 0",
        )
        for model in (PartnerCompany, Donor, Tag):
            table = model._meta.db_table
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        # What autovacuum does soon after a bulk load: statistics, and the visibility map that lets
        # PostgreSQL answer from an index alone.
        cur.execute("VACUUM ANALYZE")


def _child(donors: int, donations: int, explain: bool) -> dict:
    import datetime

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.models import Donation, Donor
    from crm.segments.rules import donors_matching

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    figures: dict = {"backend": connection.vendor, "migrate_s": round(time.perf_counter() - started, 1)}
    started = time.perf_counter()
    _fill(donors, donations)
    figures["fill_s"] = round(time.perf_counter() - started, 1)
    figures["donors"] = Donor.objects.count()
    figures["donations"] = Donation.objects.count()

    today = datetime.date.fromisoformat(TODAY)
    timings: dict[str, float] = {}
    for name, tree in SEGMENTS.items():
        qs = donors_matching(tree, today=today)
        qs.count()  # warm: plan cache, buffers
        runs = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            count = qs.count()
            runs.append((time.perf_counter() - t0) * 1000)
        timings[name] = round(statistics.median(runs), 1)
        figures[f"{name}_count"] = count
        if explain:
            # The exact statement count() sent, parameters inlined by the driver.
            with CaptureQueriesContext(connection) as captured:
                qs.count()
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + captured[-1]["sql"].replace("%", "%%"))
                plan = "\n".join(row[0] for row in cur.fetchall())
            print(f"--- {name}: {timings[name]} ms\n{plan}\n", file=sys.stderr)
    figures["segment_ms"] = timings
    figures["max_ms"] = max(timings.values())
    figures["target_ms"] = TARGET_MS
    figures["ok"] = figures["max_ms"] < TARGET_MS
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donors", type=int, default=100_000)
    parser.add_argument("--donations", type=int, default=1_000_000)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--database", default=DB_NAME, help="PostgreSQL database to drop and fill")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.donors, args.donations, args.explain), ensure_ascii=False))
    else:
        result = run(args.donors, args.donations, args.explain, args.database)
        print(json.dumps({"bench": "segments", **result}, ensure_ascii=False))
