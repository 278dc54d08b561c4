"""The demo site under gunicorn, and the load generators the site benchmarks use (not a benchmark itself).

A throwaway site (migrate + collectstatic + load_demo_data; SQLite in a temporary directory, or the
empty PostgreSQL database in BENCH_DATABASE_URL) is served by gunicorn with 2 workers and the
production settings (DEBUG off, whitenoise, no HTTPS redirect: bench/settings.py) on a free loopback
port. `wrk` (Debian package) drives the load; without it a bounded Python load generator is used
and the output says so (BENCH_LOADGEN=python forces it).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
HOST = "127.0.0.1"


@dataclass(frozen=True, kw_only=True)
class Load:
    rps: float
    requests: int
    errors: int
    tool: str
    p95_ms: float | None = None


def env(bench_dir: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DIR": str(bench_dir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{bench_dir / 'db.sqlite3'}",
        "PYTHONPATH": str(ROOT),
        # Thank-you emails of the webhook benchmark go nowhere (no SMTP relay on the bench machine).
        "EMAIL_URL": "dummy://",
        "RELEASE_ID": "bench",
        **extra,
    }


def manage(env: dict[str, str], *args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def build_site(env: dict[str, str]) -> str:
    """Migrate and load the demo site; returns how the content was made."""
    for args in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        result = manage(env, *args)
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    demo = manage(env, "load_demo_data")
    if demo.returncode == 0:
        return "load_demo_data"
    if "Unknown command" not in demo.stderr:
        raise RuntimeError(f"load_demo_data failed:\n{demo.stderr[-3000:]}")
    # Before the demo loader exists, Wagtail's own initial page is served at "/".
    return "wagtail-initial-page"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn) if gunicorn.exists() else "gunicorn",
        "cms.wsgi",
        "--workers",
        str(WORKERS),
        "--bind",
        f"{HOST}:{port}",
        "--worker-tmp-dir",
        "/dev/shm" if Path("/dev/shm").is_dir() else tempfile.gettempdir(),
        "--log-level",
        "warning",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def get(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Language": "ja"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path, deadline_s: float = 60) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            get(base + "/")
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {deadline_s}s")


def closest_static_file(static_root: Path, size: int) -> Path:
    """The collected file (hashed name, not a .gz/.br twin) whose size is closest to `size`."""
    hashed = re.compile(r"\.[0-9a-f]{12}\.")
    candidates = [
        p
        for p in static_root.rglob("*")
        if p.is_file() and p.suffix not in {".gz", ".br"} and hashed.search(p.name) and p.stat().st_size > 0
    ]
    if not candidates:
        raise RuntimeError(f"no collected static files under {static_root}")
    return min(candidates, key=lambda p: abs(p.stat().st_size - size))


# wrk prints p50/75/90/99 only; the figures are p95, so a done() hook prints it.
_WRK_P95 = """
done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\\n", latency:percentile(95)))
end
"""


def wrk(url: str, seconds: int, connections: int, *, expect_status: int = 200, threads: int = 2) -> Load:
    """``expect_status`` 404: the not-found page is the page under test, not an error."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_P95)
    try:
        result = subprocess.run(
            [
                "wrk",
                f"-t{min(threads, connections)}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                script.name,
                "-H",
                "Accept-Language: ja",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )
    finally:
        os.unlink(script.name)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    total = re.search(r"(\d+) requests in", result.stdout)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", result.stdout)
    p95 = re.search(r"P95_US (\d+)", result.stdout)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", result.stdout
    )
    if not rps or not total:
        raise RuntimeError(f"could not read wrk output:\n{result.stdout}")
    errors = int(bad.group(1)) if bad and expect_status < 400 else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Load(
        rps=float(rps.group(1)),
        requests=int(total.group(1)),
        errors=errors,
        tool="wrk",
        p95_ms=int(p95.group(1)) / 1000 if p95 else None,
    )


def python_load(url: str, seconds: int, connections: int, *, expect_status: int = 200) -> Load:
    """Bounded keep-alive load from threads; slower than wrk, so only its ratio is comparable."""
    target = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + seconds
    counts = [0] * connections
    errors = [0] * connections

    def worker(slot: int) -> None:
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        while time.monotonic() < deadline:
            try:
                conn.request(
                    "GET",
                    target.path + (f"?{target.query}" if target.query else ""),
                    headers={"Accept-Language": "ja"},
                )
                response = conn.getresponse()
                response.read()
                if response.status != expect_status:
                    errors[slot] += 1
                counts[slot] += 1
            except (OSError, http.client.HTTPException):
                errors[slot] += 1
                conn.close()
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    elapsed = time.monotonic() - started
    return Load(rps=sum(counts) / elapsed, requests=sum(counts), errors=sum(errors), tool="python")


def server_cpu_seconds(master_pid: int) -> float | None:
    """CPU time (user + system) of the gunicorn master and its workers, from /proc; None off Linux."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    try:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(stat.parent.name), int(fields[1])
            if pid == master_pid or ppid == master_pid:
                total += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return None
    return total / ticks if total else None


def measure(url: str, seconds: int, connections: int, *, expect_status: int = 200, threads: int = 2) -> Load:
    if shutil.which("wrk") and os.environ.get("BENCH_LOADGEN", "wrk") == "wrk":
        return wrk(url, seconds, connections, expect_status=expect_status, threads=threads)
    return python_load(url, seconds, connections, expect_status=expect_status)
