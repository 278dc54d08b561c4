"""Synthetic CRM at scale: `manage.py seed_crm --donors 100000 --seed 1`, wall and CPU seconds.

    .venv/bin/python -m bench.bench_seed_crm [--donors 100000] [--database-url postgres://...]
        [--without-giving-triggers]

A fresh database (a temp SQLite file, or the PostgreSQL database named in --database-url, dropped
and re-created) is migrated, then `seed_crm` runs in a subprocess; its CPU time and peak RSS come
from the kernel's rusage for that child (os.wait4). On PostgreSQL the server backend's CPU is not
in that figure: the wall time holds it. Whether the giving-summary triggers were installed is
reported, as they add work to every inserted row (--without-giving-triggers drops them first,
for comparison). Target: 100,000 donors in under 120 s.
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
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

_COUNTS = """
import json, django
django.setup()
from django.db import connection
from crm.models import Donation, Donor, RecurringDonation
with connection.cursor() as cursor:
    if connection.vendor == "sqlite":
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'crm_giving_%'")
    else:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'crm_giving_%'")
    triggers = cursor.fetchone()[0]
print(json.dumps({
    "donors": Donor.objects.count(),
    "donations": Donation.objects.count(),
    "memberships": RecurringDonation.objects.count(),
    "giving_triggers": triggers,
}))
"""


def _recreate_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


_DROP_TRIGGERS = """
import django
django.setup()
from crm.giving.services import giving_triggers_uninstall
giving_triggers_uninstall()
"""


def run(donors: int = 100_000, database_url: str | None = None, seed: int = 1, triggers: bool = True) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_seed_crm_") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'seed.sqlite3'}"
        if url.startswith("postgres"):
            _recreate_postgres(url)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test", "DATABASE_URL": url}
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        if not triggers:
            subprocess.run([PYTHON, "-c", _DROP_TRIGGERS], cwd=ROOT, env=env, check=True, capture_output=True)
        load = os.getloadavg()[0]
        started = time.perf_counter()
        with tempfile.TemporaryFile() as out:
            proc = subprocess.Popen(
                [PYTHON, "manage.py", "seed_crm", "--donors", str(donors), "--seed", str(seed)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            out.seek(0)
            text = out.read().decode()
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"seed_crm failed: {text[-800:]}")
        counts = subprocess.run(
            [PYTHON, "-c", _COUNTS], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout
        return {
            "database": "postgresql" if url.startswith("postgres") else "sqlite",
            "donors_asked": donors,
            "wall_s": round(wall, 1),
            # Wall time depends on what else the machine runs; CPU time says what seeding costs.
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "load_avg_1m_at_start": round(load, 1),
            **json.loads(counts.strip().splitlines()[-1]),
            "target_wall_s": 120,
        }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donors", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="PostgreSQL URL of a database to drop and re-create")
    parser.add_argument(
        "--without-giving-triggers", action="store_true", help="drop the giving-summary triggers first"
    )
    args = parser.parse_args()
    figures = run(args.donors, args.database_url, args.seed, triggers=not args.without_giving_triggers)
    print(json.dumps({"bench": "seed_crm", **figures}, ensure_ascii=False))
