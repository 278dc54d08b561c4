"""`/healthz` for the load balancer: is this web container able to serve?

Answered by a middleware at the very top of the stack, before host validation, HTTPS redirect,
sessions and the page cache: a load balancer calls it by the container's address over plain HTTP.
It reports the database, the cache and the age of the oldest task waiting in the queue, as JSON,
with nothing about any person. Only the database and the cache decide the status code (503 when
either fails): a stalled worker is reported (`queue.ok` false) but does not take the web containers
out of service, since visitors can still read and give.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

HEALTH_PATH = "/healthz"


def _database() -> dict[str, object]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _cache() -> dict[str, object]:
    started = time.perf_counter()
    key = "healthz:probe"
    try:
        cache.set(key, "1", 10)
        ok = cache.get(key) == "1"
    except Exception as error:  # any cache client error (Redis down, timeout) means "cache down"
        return {"ok": False, "error": type(error).__name__}
    return {"ok": ok, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _queue() -> dict[str, object]:
    """Seconds the oldest runnable task has waited (0 with an empty queue or an immediate backend)."""
    now = timezone.now()
    try:
        oldest = (
            DBTaskResult.objects.ready()
            .filter(enqueued_at__lte=now)
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    age = max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
    return {"ok": age <= settings.HEALTHZ_MAX_QUEUE_AGE, "oldest_ready_seconds": round(age, 1)}


def health_report() -> tuple[int, dict[str, object]]:
    database = _database()
    cache_state = _cache()
    queue = _queue() if database["ok"] else {"ok": False, "error": "database"}
    healthy = bool(database["ok"] and cache_state["ok"])
    return (200 if healthy else 503), {
        "status": "ok" if healthy else "fail",
        "database": database,
        "cache": cache_state,
        "queue": queue,
    }


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.rstrip("/") != HEALTH_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        status, report = health_report()
        response = HttpResponse(json.dumps(report), content_type="application/json", status=status)
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
