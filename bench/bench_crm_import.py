"""Donor CSV import at scale: 100,000 rows, seconds and peak memory.

    .venv/bin/python -m bench.bench_crm_import [--rows 100000]

A Shift_JIS (CP932) file like Excel writes, with Japanese headers, full-width digits, era dates
and "￥1,000"-style amounts, is generated into a temp dir (10% of rows are a second gift of an
earlier donor). A fresh SQLite database is migrated, then `manage.py import_donors` runs in a
subprocess; its peak RSS comes from the kernel's rusage for that child (os.wait4, the per-child
form of getrusage(RUSAGE_CHILDREN)). The same file is then imported again, which must create
nothing. Targets: import < 60 s, peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def write_csv(path: Path, rows: int, *, seed: int = 1) -> None:
    sys.path.insert(0, str(ROOT))
    from crm.demo import FAMILY_NAMES, GIVEN_NAMES, PLACES

    rng = random.Random(seed)
    dates = [
        lambda y, m, d: f"{y}/{m:02d}/{d:02d}",
        lambda y, m, d: f"令和{y - 2018}年{m}月{d}日",
        lambda y, m, d: f"{y}-{m:02d}-{d:02d}",
        lambda y, m, d: f"R{y - 2018}.{m}.{d}",
        lambda y, m, d: f"{y}年{m}月{d}日",
    ]
    amounts = [
        lambda a: f"￥{a:,}",
        lambda a: f"{a:,}円",
        lambda a: str(a).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ]
    people: list[str] = []
    with path.open("w", encoding="cp932", newline="") as out:
        out.write("氏名,フリガナ,メールアドレス,電話番号,郵便番号,住所,寄付金額,寄付日,支払方法\r\n")
        for i in range(rows):
            if people and rng.random() < 0.1:
                # A second gift from an earlier donor: same person, same address, another date.
                person = rng.choice(people)
            else:
                family, family_kana, family_romaji = rng.choice(FAMILY_NAMES)
                given, given_kana, given_romaji = rng.choice(GIVEN_NAMES)
                prefecture, _w, cities = rng.choice(PLACES)
                person = (
                    f"{family}\u3000{given},{family_kana} {given_kana},{given_romaji}.{family_romaji}{i}@example.jp,"
                    f"090-{rng.randint(0, 9999):04d}-{rng.randint(0, 9999):04d},"
                    f"{rng.randint(100, 999)}-{rng.randint(0, 9999):04d},"
                    f"{prefecture}{rng.choice(cities)}{rng.randint(1, 9)}-{rng.randint(1, 30)},"
                )
                people.append(person)
            y, m, d = rng.randint(2020, 2024), rng.randint(1, 12), rng.randint(1, 28)
            out.write(
                person
                + f'"{rng.choice(amounts)(rng.choice([1000, 3000, 5000, 10000]))}",{rng.choice(dates)(y, m, d)},'
                f"{rng.choice(['銀行振込', 'クレジットカード', '現金'])}\r\n"
            )


def _run_child(args: list[str], env: dict) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak RSS in MB, stdout) of one child process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([PYTHON, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited with {proc.returncode}: {text[-500:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, text  # ru_maxrss is in KiB on Linux


def run(rows: int = 100_000) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_crm_import_") as tmp:
        tmp = Path(tmp)
        csv_path = tmp / "donors.csv"
        write_csv(csv_path, rows)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": f"sqlite:///{tmp / 'import.sqlite3'}",
        }
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        load = os.getloadavg()[0]
        seconds, cpu, rss, out = _run_child(["manage.py", "import_donors", str(csv_path), "--json"], env)
        first = json.loads(out.strip().splitlines()[-1])
        again_seconds, again_cpu, again_rss, out = _run_child(
            ["manage.py", "import_donors", str(csv_path), "--json"], env
        )
        again = json.loads(out.strip().splitlines()[-1])
        return {
            "rows": rows,
            "file_mb": round(csv_path.stat().st_size / 1e6, 1),
            "encoding": first["encoding"],
            "import_s": round(seconds, 1),
            # Wall time depends on what else the machine runs; CPU time says what the import costs.
            "import_cpu_s": round(cpu, 1),
            "load_avg_1m_at_start": round(load, 1),
            "peak_rss_mb": round(rss, 1),
            "rows_per_s": round(rows / seconds),
            "created": first["created"],
            "updated": first["updated"],
            "errors": first["error"],
            "donations_recorded": first["donations_recorded"],
            "reimport_s": round(again_seconds, 1),
            "reimport_cpu_s": round(again_cpu, 1),
            "reimport_peak_rss_mb": round(again_rss, 1),
            "reimport_created": again["created"],
            "reimport_donations_recorded": again["donations_recorded"],
            "target_import_s": 60,
            "target_peak_rss_mb": 300,
        }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    print(json.dumps({"bench": "crm_import", **run(parser.parse_args().rows)}, ensure_ascii=False))
