"""The fundraisers' dashboard page and reports at 100,000 donors / ~1,000,000 gifts on PostgreSQL.

    .venv/bin/python -m bench.bench_reports [--donors 100000] [--database NAME]

Creates postgres://postgres@127.0.0.1:5432/bench_reports (or --database NAME, so two people
benchmarking at once don't share one) if missing, migrates it and fills it once with
`seed_crm --seed 1` (a later run reuses the donors; seeding 100,000 takes about a minute), then
VACUUM ANALYZE if the tables were never vacuumed. The clock is set to the seed's base date, where
its histories end, so "this month" and "last year" hold data.

Requested through Django's test client as a fundraiser-like superuser: the dashboard page
(/admin/crm/reports/, the default 24 months) cold (the first request of a process started as
cms.wsgi starts a server process: URLconf loaded, templates not compiled, nothing cached) and warm, the
admin home with the panel's cache cleared, and the first page of each report. Per case: the cold
milliseconds, the median and p95 of REPEATS requests, and the query count, which is fixed. Targets:
dashboard < 1,000 ms cold, each report's first page < 500 ms. The work runs in a child process so
the harness's other benchmarks keep their own Django setup.
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
DB_NAME = "bench_reports"
REPEATS = 7
DASHBOARD_TARGET_MS = 1000
REPORT_TARGET_MS = 500
REPORTS = ["lybunt", "sybunt", "at-risk", "top-donors", "top-companies", "gifts-by-month", "first-year"]


def _database_url(name: str) -> str:
    import psycopg

    with psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
    ) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            c.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def run(donors: int = 100_000, database: str = DB_NAME, *, serial: bool = False) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": _database_url(database),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bench.bench_reports", "--child", "--donors", str(donors)]
        + (["--serial"] if serial else []),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class _ServerCPU:
    """CPU time of the PostgreSQL backend serving this connection (Linux /proc; the server runs on
    this machine). With --serial (no parallel workers) it is all the database's CPU for a request,
    a figure that holds on a loaded machine where wall times measure waiting for a core."""

    def __init__(self, connection):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.pid = cursor.fetchone()[0]

    def ms(self) -> float | None:
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _child(donors: int, *, serial: bool = False) -> dict:
    import django

    django.setup()
    import time_machine
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.warmup import warm_up
    from crm.demo import BASE_DATE
    from crm.management.commands.seed_crm import seed_crm
    from crm.models import Donation, Donor

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0, interactive=False)
    # What cms.wsgi does when a server process starts, before it takes requests: "cold" is then the
    # first dashboard request a fresh server process answers (templates not yet compiled, nothing
    # of the dashboard cached).
    warm_up()
    figures: dict = {"backend": connection.vendor}
    if Donor.objects.count() < donors:
        figures["seed_s"] = seed_crm(donors=donors, seed=1).seconds
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('crm_donor', 'crm_donation')"
            " AND last_vacuum IS NULL AND last_autovacuum IS NULL"
        )
        if cursor.fetchone()[0]:
            cursor.execute("VACUUM ANALYZE")
    figures["donors"] = Donor.objects.count()
    figures["donations"] = Donation.objects.count()

    user, _ = get_user_model().objects.get_or_create(
        username="bench-fundraiser", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    # One database connection (and backend process) for every request, as in a long-running worker.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_finished.disconnect(close_old_connections)
    if serial:
        # Every query in this backend, so its CPU time is the whole database's work.
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        figures["serial"] = True
    server = _ServerCPU(connection)

    def measure(key: str, url: str, *, before=None) -> None:
        timings, cpu, db, server_cpu, queries = [], [], [], [], 0
        for i in range(REPEATS + 1):
            if before:
                before()
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu, started_server = time.perf_counter(), time.process_time(), server.ms()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            cpu.append((time.process_time() - started_cpu) * 1000)
            ended_server = server.ms()
            if started_server is not None and ended_server is not None:
                server_cpu.append(ended_server - started_server)
            db.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            if i == 0:
                figures[f"{key}_cold_ms"] = round(elapsed, 1)
            else:
                timings.append(elapsed)
            queries = len(captured)
        figures[f"{key}_ms"] = round(statistics.median(timings), 1)
        figures[f"{key}_p95_ms"] = round(_p95(timings), 1)
        figures[f"{key}_queries"] = queries
        # Where the time went: this process's CPU (rendering) and the queries' wall time. On a loaded
        # two-core machine the wall time is mostly waiting for a core.
        figures[f"{key}_cpu_ms"] = round(statistics.median(cpu), 1)
        figures[f"{key}_db_ms"] = round(statistics.median(db), 1)
        if server_cpu:
            figures[f"{key}_server_cpu_ms"] = round(statistics.median(server_cpu), 1)

    # Histories of seed_crm end on its base date: read the dashboard as of that day.
    with time_machine.travel(BASE_DATE, tick=True):
        measure("dashboard", "/admin/crm/reports/")
        measure("dashboard_60_months", "/admin/crm/reports/?start=2020-04&end=2025-03")
        measure("admin_home_uncached", "/admin/", before=cache.clear)
        for report in REPORTS:
            measure(f"report_{report.replace('-', '_')}", f"/admin/crm/reports/{report}/")
    report_keys = [f"report_{r.replace('-', '_')}_ms" for r in REPORTS]
    figures["slowest_report_ms"] = max(figures[k] for k in report_keys)
    figures["dashboard_ok"] = figures["dashboard_cold_ms"] < DASHBOARD_TARGET_MS
    figures["reports_ok"] = all(
        figures[k] < REPORT_TARGET_MS and figures[k.replace("_ms", "_cold_ms")] < REPORT_TARGET_MS
        for k in report_keys
    )
    figures["load_avg_1m"] = round(os.getloadavg()[0], 2)
    figures["cpu_count"] = os.cpu_count()
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donors", type=int, default=100_000)
    parser.add_argument("--database", default=DB_NAME, help="database name on the local PostgreSQL")
    parser.add_argument(
        "--serial",
        action="store_true",
        help="no parallel query workers, so *_server_cpu_ms counts all of the database's CPU",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.donors, serial=args.serial), ensure_ascii=False))
    else:
        figures = run(args.donors, args.database, serial=args.serial)
        print(json.dumps({"bench": "reports", **figures}, ensure_ascii=False))
