"""Stripe webhook deliveries at a fixed rate against the benchmark's gunicorn (used by bench_site_throughput).

Stripe delivers each event at least once: the stream carries a share of re-deliveries of events
already sent (Stripe retrying what it thinks was lost). Every delivery is signed with Stripe's
scheme and sent on time from a pool of keep-alive connections; a queue worker (`db_worker`, as in
production) processes the stored events meanwhile and drains the rest afterwards. Then the
database says whether every distinct event was stored and processed exactly once.
"""

from __future__ import annotations

import http.client
import json
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import site_server

SECRET = "whsec_bench_site"
SENDERS = 32

_COUNT_SCRIPT = """
import json
from django.db.models import Count, Max
from crm.giving.models import Donation
from crm.payments.models import StripeEvent
rows = StripeEvent.objects.all()
gifts = Donation.objects.exclude(external_id="")
print("COUNTS " + json.dumps({
    "stored": rows.count(),
    "distinct_ids": rows.values("event_id").distinct().count(),
    "by_status": {s: rows.filter(status=s).count() for s in StripeEvent.Status.values},
    "max_attempts": rows.aggregate(m=Max("attempts"))["m"] or 0,
    "retried": rows.filter(attempts__gt=1).count(),
    "gifts": gifts.count(),
    "gifts_counted_twice": gifts.values("external_id").annotate(n=Count("id")).filter(n__gt=1).count(),
}))
"""


def stream(total: int, duplicate_share: float, seed: int = 11) -> tuple[list[bytes], int]:
    """``total`` deliveries, of which about ``duplicate_share`` repeat an earlier one; returns (bodies, distinct)."""
    from bench.bench_stripe_webhooks import _event_stream
    from tests.stripe_fake import FakeStripe

    rng = random.Random(seed)
    fake = FakeStripe()
    fake.base_url = "http://fake-stripe.invalid"  # events are made in-process, no HTTP
    distinct = max(1, round(total * (1 - duplicate_share)))
    # The shared generator also re-sends a few on its own; keep its events unique so the share is ours.
    events = list({event["id"]: event for event in _event_stream(fake, distinct * 2, rng)}.values())[
        :distinct
    ]
    bodies = [json.dumps(event).encode() for event in events]
    deliveries = list(bodies)
    while len(deliveries) < total:
        position = rng.randrange(1, len(deliveries))
        deliveries.insert(position, deliveries[rng.randrange(position)])  # a re-delivery after the original
    return deliveries, len(bodies)


def deliver(base: str, bodies: list[bytes], rate: float) -> dict:
    """Send ``bodies`` at ``rate`` per second on schedule; returns latency and error figures."""
    from tests.stripe_fake import sign_payload

    target = base.removeprefix("http://")
    host, port = target.split(":")
    started = time.monotonic()
    latencies: list[float] = []
    late: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    next_index = iter(range(len(bodies)))

    def sender() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        for index in next_index:
            due = started + index / rate
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            body = bodies[index]
            headers = {"Content-Type": "application/json", "Stripe-Signature": sign_payload(body, SECRET)}
            t0 = time.monotonic()
            try:
                conn.request("POST", "/stripe/webhook/", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
            elapsed = (time.monotonic() - t0) * 1000
            with lock:
                latencies.append(elapsed)
                late.append(max(0.0, (t0 - due) * 1000))
                if status != 200:
                    errors.append(status)
        conn.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "deliveries": len(bodies),
        "sent_per_s": round(len(bodies) / wall, 1),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
        # How far behind schedule the senders fell: large values mean the rate was not reached.
        "send_late_p95_ms": round(sorted(late)[max(0, int(len(late) * 0.95) - 1)], 1),
        "http_errors": len(errors),
    }


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--queue-name",
        "*",
        "--no-reload",
        "--interval",
        "0.2",
    ]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=site_server.ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def drain_and_count(env: dict[str, str], worker: subprocess.Popen[bytes]) -> dict:
    """Stop the live worker, process whatever is still queued, and count the stored events."""
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
    drained = site_server.manage(
        env, "db_worker", "--queue-name", "*", "--batch", "--no-reload", timeout=1800
    )
    if drained.returncode != 0:
        raise RuntimeError(f"db_worker --batch failed:\n{drained.stderr[-3000:]}")
    counted = site_server.manage(env, "shell", "-c", _COUNT_SCRIPT)
    line = next((ln for ln in counted.stdout.splitlines() if ln.startswith("COUNTS ")), None)
    if line is None:
        raise RuntimeError(f"could not count stored events:\n{counted.stderr[-3000:]}")
    return json.loads(line.removeprefix("COUNTS "))


def run(
    env: dict[str, str], base: str, *, seconds: int, rate: float, duplicate_share: float, log: Path
) -> dict:
    bodies, distinct = stream(round(seconds * rate), duplicate_share)
    worker = start_worker(env, log)
    try:
        sent = deliver(base, bodies, rate)
    finally:
        counts = drain_and_count(env, worker)
    by_status = counts["by_status"]
    return {
        **sent,
        "target_rate_per_s": rate,
        "distinct_events": distinct,
        "duplicates_sent": len(bodies) - distinct,
        "stored": counts["stored"],
        "lost": distinct - counts["stored"],
        # More than one attempt: a failed attempt (e.g. SQLite busy under load) retried on re-delivery;
        # each attempt runs in one transaction, so a failed one leaves nothing behind.
        "events_retried": counts["retried"],
        "max_attempts": counts["max_attempts"],
        # The same Stripe payment stored as two gifts (the unique constraint should make this 0).
        "gifts": counts["gifts"],
        "gifts_counted_twice": counts["gifts_counted_twice"],
        "by_status": by_status,
        "seconds": seconds,
    }
