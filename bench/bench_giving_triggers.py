"""What the giving-summary triggers cost bulk loads: `seed_crm` with and without them.

    .venv/bin/python -m bench.bench_giving_triggers [--donors 20000] [--sqlite-only] [--database NAME]

For PostgreSQL (postgres://postgres@127.0.0.1:5432/bench_giving_triggers or --database NAME,
dropped and re-created per run) and a throwaway SQLite file: migrate, drop the triggers for the "without" run, then time
`seed_crm --donors N --seed 1`. Figures: wall seconds, this process's CPU seconds and, on
PostgreSQL, the server backend's CPU seconds (read from /proc, the same machine), where the
triggers' work happens. The "with" run then recounts everything from scratch (giving_rebuild) and
reports how many summaries differed: it must be 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "bench_giving_triggers"


def _backend_cpu_s(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _child(donors: int, triggers: bool) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from crm.giving.services import giving_rebuild, giving_triggers_uninstall
    from crm.management.commands.seed_crm import seed_crm
    from crm.models import Donation, DonorGiving

    call_command("migrate", verbosity=0, interactive=False)
    if not triggers:
        giving_triggers_uninstall()
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    backend_before = _backend_cpu_s(backend) if backend else None
    started, started_cpu = time.perf_counter(), time.process_time()
    seed_crm(donors=donors, seed=1)
    figures = {
        "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s": round(time.process_time() - started_cpu, 1),
        "donations": Donation.objects.count(),
    }
    if backend:
        figures["db_cpu_s"] = round(_backend_cpu_s(backend) - backend_before, 1)
    if triggers:
        started = time.perf_counter()
        figures["stale_summaries"] = giving_rebuild()
        figures["rebuild_s"] = round(time.perf_counter() - started, 1)
        figures["summaries"] = DonorGiving.objects.count()
    return figures


def _run_child(url: str, donors: int, triggers: bool) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test", "DATABASE_URL": url}
    args = [sys.executable, "-m", "bench.bench_giving_triggers", "--child", "--donors", str(donors)]
    proc = subprocess.run(
        [*args, *([] if triggers else ["--without"])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-1500:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fresh_pg(database: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
        ) as c:
            c.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            c.execute(f"CREATE DATABASE {database}")
    except Exception:
        return None
    return f"postgres://postgres@127.0.0.1:5432/{database}"


def run(donors: int = 20_000, sqlite_only: bool = False, database: str = PG_DB) -> dict:
    if not database.isidentifier():
        raise ValueError(f"not a plain database name: {database!r}")
    figures: dict = {"donors": donors}
    for triggers in (False, True):
        label = "with_triggers" if triggers else "without_triggers"
        if not sqlite_only and (url := _fresh_pg(database)):
            figures[f"postgresql_{label}"] = _run_child(url, donors, triggers)
        with tempfile.TemporaryDirectory(prefix="bench_giving_") as tmp:
            figures[f"sqlite_{label}"] = _run_child(f"sqlite:///{tmp}/seed.sqlite3", donors, triggers)
    for vendor in ("postgresql", "sqlite"):
        with_, without = figures.get(f"{vendor}_with_triggers"), figures.get(f"{vendor}_without_triggers")
        if with_ and without and without["wall_s"]:
            figures[f"{vendor}_wall_ratio"] = round(with_["wall_s"] / without["wall_s"], 2)
    figures["load_avg_1m"] = round(os.getloadavg()[0], 2)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donors", type=int, default=20_000)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--database", default=PG_DB, help="PostgreSQL database to drop and fill")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--without", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.donors, not args.without)))
    else:
        print(json.dumps({"bench": "giving_triggers", **run(args.donors, args.sqlite_only, args.database)}))
