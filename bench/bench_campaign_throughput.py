"""Campaign page throughput against a static file of about the same size, from the same gunicorn.

A throwaway SQLite site (migrate + load_demo_data) is served by gunicorn with 2 workers and the
production settings (DEBUG off, whitenoise, no HTTPS redirect: bench/settings.py) on a free loopback
port. `wrk` (Debian package) loads `/` and then a whitenoise-served static file whose size is closest
to the page's, for the same bounded time each. The ratio page_rps / static_rps says how close the
cached campaign page comes to serving a file; both figures move together with machine load, so the
ratio is the number to compare between runs. Without wrk a bounded Python load generator is used
and the output says so.

Environment knobs: BENCH_SECONDS (default 10 per URL, split into BENCH_ROUNDS alternating rounds,
default 5), BENCH_CONNECTIONS (default 8), BENCH_LOADGEN=python forces the fallback load generator,
BENCH_KEEP=1 keeps the temporary directory.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
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


def _env(bench_dir: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DIR": str(bench_dir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{bench_dir / 'db.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }


def _manage(env: dict[str, str], *args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _build_site(env: dict[str, str]) -> str:
    """Migrate and load the demo site; returns how the content was made."""
    for args in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        result = _manage(env, *args)
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    demo = _manage(env, "load_demo_data")
    if demo.returncode == 0:
        return "load_demo_data"
    if "Unknown command" not in demo.stderr:
        raise RuntimeError(f"load_demo_data failed:\n{demo.stderr[-3000:]}")
    # Before the demo loader exists, Wagtail's own initial page is served at "/".
    return "wagtail-initial-page"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
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


def _get(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Language": "ja"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path, deadline_s: float = 60) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            _get(base + "/")
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {deadline_s}s")


def _closest_static_file(static_root: Path, size: int) -> Path:
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


def _wrk(url: str, seconds: int, connections: int) -> Load:
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", "Accept-Language: ja", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    rps = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    total = re.search(r"(\d+) requests in", result.stdout)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", result.stdout)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", result.stdout
    )
    if not rps or not total:
        raise RuntimeError(f"could not read wrk output:\n{result.stdout}")
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Load(rps=float(rps.group(1)), requests=int(total.group(1)), errors=errors, tool="wrk")


def _python_load(url: str, seconds: int, connections: int) -> Load:
    """Bounded keep-alive load from threads; slower than wrk, so only its ratio is comparable."""
    target = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + seconds
    counts = [0] * connections
    errors = [0] * connections

    def worker(slot: int) -> None:
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        while time.monotonic() < deadline:
            try:
                conn.request("GET", target.path, headers={"Accept-Language": "ja"})
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
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


def _server_cpu_seconds(master_pid: int) -> float | None:
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


def _measure(url: str, seconds: int, connections: int) -> Load:
    if shutil.which("wrk") and os.environ.get("BENCH_LOADGEN", "wrk") == "wrk":
        return _wrk(url, seconds, connections)
    return _python_load(url, seconds, connections)


def run() -> dict:
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    connections = int(os.environ.get("BENCH_CONNECTIONS", "8"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "5"))
    bench_dir = Path(tempfile.mkdtemp(prefix="bench-campaign-"))
    env = _env(bench_dir)
    server = None
    try:
        content = _build_site(env)
        port = _free_port()
        log = bench_dir / "gunicorn.log"
        server = _start_gunicorn(env, port, log)
        base = f"http://{HOST}:{port}"
        _wait_until_up(base, server, log)

        status, body = _get(base + "/")
        if status != 200:
            raise RuntimeError(f"GET / answered {status}:\n{body[:500]!r}")
        static_file = _closest_static_file(bench_dir / "static", len(body))
        static_path = "/static/" + static_file.relative_to(bench_dir / "static").as_posix()
        static_status, static_body = _get(base + static_path)
        if static_status != 200:
            raise RuntimeError(f"GET {static_path} answered {static_status}")

        # Warm both workers' caches and imports before timing anything.
        for _ in range(20):
            _get(base + "/")
            _get(base + static_path)

        # Alternate short rounds of page and static load: the machine's background load drifts, and
        # paired neighbouring rounds see the same drift, so their ratio is steadier than one long run each.
        round_s = max(2, round(seconds / rounds))
        pages: list[Load] = []
        statics: list[Load] = []
        cpu = {"page": 0.0, "static": 0.0}
        for _ in range(rounds):
            for kind, path, loads in (("page", "/", pages), ("static", static_path, statics)):
                before = _server_cpu_seconds(server.pid)
                loads.append(_measure(base + path, round_s, connections))
                after = _server_cpu_seconds(server.pid)
                if before is not None and after is not None:
                    cpu[kind] += after - before
        page_rps = statistics.fmean(load.rps for load in pages)
        static_rps = statistics.fmean(load.rps for load in statics)
        ratios = [p.rps / s.rps for p, s in zip(pages, statics, strict=True) if s.rps]
        # Server CPU per request does not depend on what else the machine runs: on a busy machine the
        # CPU ratio is the steadier figure (1.0 = the page costs the server as much as the file).
        page_cpu_ms = 1000 * cpu["page"] / max(1, sum(load.requests for load in pages))
        static_cpu_ms = 1000 * cpu["static"] / max(1, sum(load.requests for load in statics))
        return {
            "page_rps": round(page_rps, 1),
            "static_rps": round(static_rps, 1),
            # Median of the paired per-round ratios (robust to a noisy round).
            "ratio": round(statistics.median(ratios), 3) if ratios else None,
            "ratio_min": round(min(ratios), 3) if ratios else None,
            "ratio_max": round(max(ratios), 3) if ratios else None,
            "page_cpu_ms": round(page_cpu_ms, 3),
            "static_cpu_ms": round(static_cpu_ms, 3),
            "cpu_ratio": round(static_cpu_ms / page_cpu_ms, 3) if page_cpu_ms else None,
            "page_bytes": len(body),
            "static_bytes": len(static_body),
            "static_path": static_path,
            "page_errors": sum(load.errors for load in pages),
            "static_errors": sum(load.errors for load in statics),
            "tool": pages[0].tool,
            "seconds_each": round_s * rounds,
            "rounds": rounds,
            "connections": connections,
            "gunicorn_workers": WORKERS,
            "content": content,
            "cpus": os.cpu_count(),
            "loadavg_1m": round(os.getloadavg()[0], 2),
        }
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(bench_dir, ignore_errors=True)
