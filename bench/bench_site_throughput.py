"""Every public page type against a static file of about the same size, from one gunicorn, in one run.

The campaign page benchmark, extended to the whole public site (issue 14). One throwaway demo site
(bench/site_server.py: migrate + load_demo_data, production settings, gunicorn with 2 workers,
whitenoise) serves, in both languages: the campaign page, a story, the story index, a standard page,
the donation page, the search results page and the 404 page. For each, `wrk` at 8 connections loads
the page and then the collected static file whose size is closest to the page's, in alternating
rounds of the same length; the ratio page_rps / static_rps says how close the page comes to a file
(both move with the machine's load, so the ratio is the figure to compare). One JSON line per page.

Then, against the same gunicorn:

- ``site_load``: 50 connections at once over a mix of campaign, story, index, search and donation
  URLs in both languages (one wrk per URL, the connections split between them): rps and p95 per
  URL, and errors (target: none).
- ``site_webhooks``: Stripe webhook deliveries at 200 a second, 10% of them re-deliveries, while a
  queue worker processes them (bench/site_webhooks.py): none lost, none processed twice, p95.

    python -m bench site_throughput            # full: 10 s per URL, 60 s load, 30 s webhooks
    python -m bench --short site_throughput    # a quick check that everything runs (2 s / 5 s / 5 s)

Knobs: BENCH_SECONDS (per URL, split into BENCH_ROUNDS rounds, default 10 / 5), BENCH_CONNECTIONS
(default 8), BENCH_LOAD_SECONDS (60), BENCH_LOAD_CONNECTIONS (50), BENCH_WEBHOOK_SECONDS (30),
BENCH_WEBHOOK_RATE (200), BENCH_SHORT=1 (the short durations), BENCH_DATABASE_URL (an empty
PostgreSQL database instead of SQLite; the issue asks for the load figures on PostgreSQL),
BENCH_LOADGEN=python, BENCH_KEEP=1.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import threading
import urllib.parse
from pathlib import Path

from bench import site_server, site_webhooks

# The pages (kind, language) measured against a static file, and those in the 50-connection mix.
PAGE_KINDS = ("campaign", "story", "story_index", "standard", "donation", "search", "not_found")
LOAD_MIX = ("campaign", "story", "story_index", "search", "donation")
SEARCH_WORDS = {"ja": "難民", "en": "refugee"}

_URLS_SCRIPT = """
import json
from home.models import DonationPage, HomePage, StandardPage, StoryIndexPage, StoryPage
urls = {}
for code in ("ja", "en"):
    prefix = "" if code == "ja" else "/en"
    def first(model):
        page = model.objects.live().filter(locale__language_code=code).order_by("path").first()
        return page.url if page is not None else None
    urls[code] = {
        "campaign": first(HomePage),
        "story": first(StoryPage),
        "story_index": first(StoryIndexPage),
        "standard": first(StandardPage),
        "donation": first(DonationPage),
        "not_found": prefix + "/no-such-page-bench/",
    }
print("URLS " + json.dumps(urls))
"""


def _knobs() -> dict[str, int]:
    short = os.environ.get("BENCH_SHORT") == "1"

    def knob(name: str, full: int, quick: int) -> int:
        return int(os.environ.get(name, quick if short else full))

    return {
        "seconds": knob("BENCH_SECONDS", 10, 2),
        "rounds": knob("BENCH_ROUNDS", 5, 1),
        "connections": knob("BENCH_CONNECTIONS", 8, 8),
        "load_seconds": knob("BENCH_LOAD_SECONDS", 60, 5),
        "load_connections": knob("BENCH_LOAD_CONNECTIONS", 50, 50),
        "webhook_seconds": knob("BENCH_WEBHOOK_SECONDS", 30, 5),
        "webhook_rate": knob("BENCH_WEBHOOK_RATE", 200, 200),
    }


def _page_urls(env: dict[str, str]) -> dict[tuple[str, str], str]:
    result = site_server.manage(env, "shell", "-c", _URLS_SCRIPT)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("URLS ")), None)
    if line is None:
        raise RuntimeError(f"could not list the demo pages:\n{result.stderr[-3000:]}")
    urls: dict[tuple[str, str], str] = {}
    for code, pages in json.loads(line.removeprefix("URLS ")).items():
        for kind, url in pages.items():
            if url:
                urls[(kind, code)] = urllib.parse.urlsplit(url).path
        prefix = "" if code == "ja" else "/en"
        urls[("search", code)] = f"{prefix}/search/?query={urllib.parse.quote(SEARCH_WORDS[code])}"
    return urls


def _against_static(base: str, bench_dir: Path, server_pid: int, path: str, status: int, knobs: dict) -> dict:
    """Alternating rounds of the page and of the static file closest to it in size."""
    got, body = site_server.get(base + path)
    if got != status:
        raise RuntimeError(f"GET {path} answered {got}, expected {status}")
    static_file = site_server.closest_static_file(bench_dir / "static", len(body))
    static_path = "/static/" + static_file.relative_to(bench_dir / "static").as_posix()
    for _ in range(10):  # both workers: imports, page cache and file handles warm
        site_server.get(base + path)
        site_server.get(base + static_path)
    round_s = max(1, round(knobs["seconds"] / knobs["rounds"]))
    loads: dict[str, list] = {"page": [], "static": []}
    cpu = {"page": 0.0, "static": 0.0}
    for _ in range(knobs["rounds"]):
        for kind, url_path, expected in (("page", path, status), ("static", static_path, 200)):
            before = site_server.server_cpu_seconds(server_pid)
            loads[kind].append(
                site_server.measure(base + url_path, round_s, knobs["connections"], expect_status=expected)
            )
            after = site_server.server_cpu_seconds(server_pid)
            if before is not None and after is not None:
                cpu[kind] += after - before
    pages, statics = loads["page"], loads["static"]
    ratios = [p.rps / s.rps for p, s in zip(pages, statics, strict=True) if s.rps]
    page_cpu_ms = 1000 * cpu["page"] / max(1, sum(load.requests for load in pages))
    static_cpu_ms = 1000 * cpu["static"] / max(1, sum(load.requests for load in statics))
    return {
        "page_rps": round(statistics.fmean(load.rps for load in pages), 1),
        "static_rps": round(statistics.fmean(load.rps for load in statics), 1),
        "ratio": round(statistics.median(ratios), 3) if ratios else None,
        "ratio_min": round(min(ratios), 3) if ratios else None,
        "cpu_ratio": round(static_cpu_ms / page_cpu_ms, 3) if page_cpu_ms else None,
        "page_p95_ms": max((load.p95_ms for load in pages if load.p95_ms is not None), default=None),
        "page_bytes": len(body),
        "static_bytes": static_file.stat().st_size,
        "static_path": static_path,
        "errors": sum(load.errors for load in pages) + sum(load.errors for load in statics),
        "tool": pages[0].tool,
        "seconds_each": round_s * knobs["rounds"],
        "connections": knobs["connections"],
    }


def _mixed_load(base: str, urls: dict[tuple[str, str], str], knobs: dict) -> dict:
    """All mix URLs at once, the connections split evenly between them (one wrk each)."""
    mix = [(kind, code) for kind in LOAD_MIX for code in ("ja", "en") if (kind, code) in urls]
    per_url = max(1, knobs["load_connections"] // len(mix))
    results: dict[str, object] = {}

    def one(kind: str, code: str) -> None:
        load = site_server.measure(base + urls[(kind, code)], knobs["load_seconds"], per_url, threads=1)
        results[f"{kind}_{code}"] = load

    threads = [threading.Thread(target=one, args=key) for key in mix]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "connections": per_url * len(mix),
        "seconds": knobs["load_seconds"],
        "total_rps": round(sum(load.rps for load in results.values()), 1),
        "errors": sum(load.errors for load in results.values()),
        # [rps, p95 ms, errors] per URL
        "per_url": {
            name: [round(load.rps, 1), load.p95_ms, load.errors] for name, load in sorted(results.items())
        },
        "tool": next(iter(results.values())).tool,
    }


def run() -> list[dict]:
    knobs = _knobs()
    bench_dir = Path(tempfile.mkdtemp(prefix="bench-site-"))
    env = site_server.env(bench_dir, STRIPE_WEBHOOK_SECRET=site_webhooks.SECRET)
    server = None
    machine = {"cpus": os.cpu_count(), "gunicorn_workers": site_server.WORKERS}
    try:
        content = site_server.build_site(env)
        urls = _page_urls(env)
        port = site_server.free_port()
        log = bench_dir / "gunicorn.log"
        server = site_server.start_gunicorn(env, port, log)
        base = f"http://{site_server.HOST}:{port}"
        site_server.wait_until_up(base, server, log)

        lines: list[dict] = []
        for kind in PAGE_KINDS:
            for code in ("ja", "en"):
                if (kind, code) not in urls:
                    continue
                status = 404 if kind == "not_found" else 200
                figures = _against_static(base, bench_dir, server.pid, urls[(kind, code)], status, knobs)
                lines.append(
                    {
                        "bench": "site_throughput",
                        "page": kind,
                        "language": code,
                        "url": urls[(kind, code)],
                        **figures,
                        "content": content,
                        "loadavg_1m": round(os.getloadavg()[0], 2),
                    }
                )
        load = _mixed_load(base, urls, knobs)
        lines.append({"bench": "site_load", **load, **machine, "loadavg_1m": round(os.getloadavg()[0], 2)})
        webhooks = site_webhooks.run(
            env,
            base,
            seconds=knobs["webhook_seconds"],
            rate=knobs["webhook_rate"],
            duplicate_share=0.10,
            log=bench_dir / "worker.log",
        )
        lines.append(
            {"bench": "site_webhooks", **webhooks, **machine, "loadavg_1m": round(os.getloadavg()[0], 2)}
        )
        database = "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
        for line in lines:
            line["database"] = database
        return lines
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except Exception:
                server.kill()
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(bench_dir, ignore_errors=True)
