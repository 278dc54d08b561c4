"""The January run of annual statements (年間寄付金領収書) for 100,000 donors: wall and CPU seconds.

    .venv/bin/python -m bench.bench_receipts_annual [--donors 100000] [--workers 2]
        [--database-url postgres://.../bench_receipts] [--reuse]

A fresh database (a temp SQLite file, or the PostgreSQL database in --database-url, dropped and
re-created) is migrated and filled by `seed_crm` (as bench_seed_crm does); every donor without a
gift in the benchmark year gets one, so every donor gets a statement. Deliveries are mixed as
donors choose them: 90 % email, 8 % post, 2 % none. Then the run, as the worker does it: one
process issues the statements (numbers, amounts, gift lines), then ``--workers`` processes send
them (each draws the PDF and builds the email with it attached; the mail backend serialises each
message and drops it), and the last one makes the print batch; the batch's PDF (one page per
posted statement, postal-code order) is drawn too. Target: under 10 minutes for 100,000.

CPU time is the children's (os.wait4), so it holds the PDF drawing and email building; on
PostgreSQL the server's work shows in the wall time only. ``--reuse`` keeps a seeded PostgreSQL
database and deletes only the previous run's statements.
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

from bench.bench_seed_crm import _recreate_postgres

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
YEAR = 2024  # seed_crm's base date is March 2025: 2024 is its last whole year

_PREPARE = """
import django, json, datetime, zoneinfo
django.setup()
from django.db import connection
from django.db.models import F
from crm.models import AnnualReceiptRun, Donation, Donor, Interaction, PrintBatch, Receipt, ReceiptCounter, ReceiptDispatch
YEAR = int(__import__("os").environ["BENCH_YEAR"])
tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
ReceiptDispatch.objects.all().delete()
Interaction.objects.filter(summary__contains=f"A{YEAR}-").delete()
Receipt.objects.all().delete()
ReceiptCounter.objects.all().delete()
AnnualReceiptRun.objects.all().delete()
PrintBatch.objects.all().delete()
start = datetime.datetime(YEAR, 1, 1, tzinfo=tokyo)
gave = set(Donation.objects.filter(received_at__gte=start, received_at__lt=start.replace(year=YEAR + 1), status="succeeded").values_list("donor_id", flat=True).distinct())
missing = [pk for pk in Donor.objects.values_list("pk", flat=True) if pk not in gave]
Donation.objects.bulk_create(
    [Donation(donor_id=pk, amount=3000 + (pk % 5) * 1000, received_at=start + datetime.timedelta(days=pk % 360), method="bank_transfer", thank_you_status="") for pk in missing],
    batch_size=5000,
)
Donor.objects.update(receipt_delivery="email")
Donor.objects.annotate(m=F("id") % 50).filter(m__lt=4).update(receipt_delivery="post")
Donor.objects.annotate(m=F("id") % 50).filter(m=4).update(receipt_delivery="none")
Donor.objects.filter(receipt_delivery="post", postal_code="").update(postal_code="100-0001")
print(json.dumps({"donors": Donor.objects.count(), "gifts_added": len(missing)}))
"""

_ISSUE = """
import django, json, os
django.setup()
from crm.models import AnnualReceiptRun
from crm.receipts.services import annual_run_advance
run = AnnualReceiptRun.objects.create(year=int(os.environ["BENCH_YEAR"]))
run = annual_run_advance(run_id=run.pk, deliver=False)
print(json.dumps({"run_id": run.pk, "statements": run.statements_issued}))
"""

_DELIVER = """
import django, json, os
django.setup()
from crm.receipts.services import annual_run_deliver_and_finish
from bench.receipts_mail import SerialisingBackend
sent = annual_run_deliver_and_finish(run_id=int(os.environ["BENCH_RUN"]))
print(json.dumps({"sent": sent, "bytes": SerialisingBackend.bytes_sent}))
"""

_BATCH = """
import django, json, os
django.setup()
from crm.models import AnnualReceiptRun
from crm.receipts.services import print_batch_pdf
run = AnnualReceiptRun.objects.get(pk=int(os.environ["BENCH_RUN"]))
data = print_batch_pdf(run.print_batch) if run.print_batch else b""
print(json.dumps({"status": run.status, "emails_sent": run.emails_sent, "emails_failed": run.emails_failed,
                  "posted": run.posted, "batch_pdf_mb": round(len(data) / 1e6, 1)}))
"""


def _child(code: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _wait(proc: subprocess.Popen) -> tuple[dict, float]:
    _pid, status, usage = os.wait4(proc.pid, 0)
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(err[-1500:])
    return json.loads(out.strip().splitlines()[-1]), usage.ru_utime + usage.ru_stime


def _timed(code: str, env: dict) -> tuple[dict, float, float]:
    started = time.perf_counter()
    result, cpu = _wait(_child(code, env))
    return result, time.perf_counter() - started, cpu


def run(
    donors: int = 100_000, database_url: str | None = None, workers: int = 2, reuse: bool = False
) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_receipts_") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'receipts.sqlite3'}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.receipts_settings",
            "DATABASE_URL": url,
            "BENCH_YEAR": str(YEAR),
        }
        if not (reuse and url.startswith("postgres")):
            if url.startswith("postgres"):
                _recreate_postgres(url)
            subprocess.run(
                [PYTHON, "manage.py", "migrate", "--verbosity", "0"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [PYTHON, "manage.py", "seed_crm", "--donors", str(donors), "--seed", "1"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        prepared, _wall, _cpu = _timed(_PREPARE, env)
        load = os.getloadavg()[0]
        issued, issue_wall, issue_cpu = _timed(_ISSUE, env)
        env["BENCH_RUN"] = str(issued["run_id"])
        started = time.perf_counter()
        senders = [_child(_DELIVER, env) for _ in range(workers)]
        results = [_wait(p) for p in senders]
        deliver_wall = time.perf_counter() - started
        batch, batch_wall, _batch_cpu = _timed(_BATCH, env)
        total_wall = issue_wall + deliver_wall + batch_wall
        return {
            "database": "postgresql" if url.startswith("postgres") else "sqlite",
            "year": YEAR,
            **prepared,
            "statements": issued["statements"],
            **batch,
            "workers": workers,
            "issue_wall_s": round(issue_wall, 1),
            "issue_cpu_s": round(issue_cpu, 1),
            "send_wall_s": round(deliver_wall, 1),
            "send_cpu_s": round(sum(cpu for _r, cpu in results), 1),
            "emails_mb": round(sum(r["bytes"] for r, _cpu in results) / 1e6, 1),
            "batch_pdf_wall_s": round(batch_wall, 1),
            "total_wall_s": round(total_wall, 1),
            "statements_per_s": round(issued["statements"] / total_wall, 1),
            "load_avg_1m_at_start": round(load, 1),
            "target_wall_s": 600,
        }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donors", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", help="PostgreSQL URL of a database to drop and re-create")
    parser.add_argument("--reuse", action="store_true", help="keep a seeded PostgreSQL database")
    args = parser.parse_args()
    figures = run(args.donors, args.database_url, args.workers, args.reuse)
    print(json.dumps({"bench": "receipts_annual", **figures}, ensure_ascii=False))
