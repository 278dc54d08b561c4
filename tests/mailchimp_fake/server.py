"""The fake Mailchimp Marketing API server (stdlib only).

Behaviour copied from the real API where the sync depends on it:
- Basic auth with the API key as password (any user name), 401 otherwise.
- Members live at /lists/{list_id}/members/{md5 of lower-cased email}; PUT upserts: `status_if_new`
  applies only to a new member, `status` changes an existing one; moving an unsubscribed or cleaned
  member to subscribed (or a cleaned one to pending) is refused with 400 "Member In Compliance State".
- Errors are application/problem+json bodies with type/title/status/detail/instance.
- POST /batches returns at once with status "pending"; the operations run in a background thread
  (pending -> started -> finished) and the results are a gzipped tar of JSON arrays at
  `response_body_url`, as on the real API.
- Tags are posted to /members/{hash}/tags as {"tags": [{"name", "status": active|inactive}]} -> 204.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import tarfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

STATUSES = {"subscribed", "unsubscribed", "cleaned", "pending", "transactional", "archived"}


def subscriber_hash(email: str) -> str:
    return hashlib.md5(email.strip().lower().encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _problem(status: int, title: str, detail: str, instance: str = "") -> tuple[int, dict]:
    return status, {
        "type": "https://mailchimp.com/developer/marketing/docs/errors/",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance or str(uuid.uuid4()),
    }


@dataclass
class Fault:
    kind: str  # "status" or "timeout"
    status: int = 500
    delay: float = 0.0


@dataclass
class FakeAudience:
    id: str
    name: str = "WELgee supporters"
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    # member hash -> {tag name: active?}
    tags: dict[str, dict[str, bool]] = field(default_factory=dict)


class FakeMailchimp:
    """Start with `start()` (or use as a context manager); `api_url` points the SDK here."""

    def __init__(self, *, api_key: str = "fakekey0123456789-us21", audience_id: str = "aud0001"):
        self.api_key = api_key
        self.audience_id = audience_id
        self.lists: dict[str, FakeAudience] = {audience_id: FakeAudience(id=audience_id)}
        self.batches: dict[str, dict[str, Any]] = {}
        self._batch_results: dict[str, bytes] = {}
        self._lock = threading.RLock()
        self._faults: list[Fault] = []
        self._op_faults: list[int] = []
        self.requests: list[tuple[str, str]] = []
        self.permanently_deleted: set[str] = set()  # subscriber hashes (APPI erasure)
        self.batch_seconds_per_1000_ops = 0.0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._max_concurrent = 0
        self._concurrent = 0

    # ----- lifecycle -------------------------------------------------------------------------------
    def start(self) -> FakeMailchimp:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeMailchimp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/3.0"

    # ----- inspection and fault injection ----------------------------------------------------------
    @property
    def request_count(self) -> int:
        return len(self.requests)

    def count(self, method: str | None = None, contains: str = "") -> int:
        return sum(1 for m, p in self.requests if (method is None or m == method) and contains in p)

    def request_summary(self) -> dict[str, int]:
        return dict(Counter(f"{m} {_shape(p)}" for m, p in self.requests))

    @property
    def max_concurrent_requests(self) -> int:
        return self._max_concurrent

    def reset_counters(self) -> None:
        with self._lock:
            self.requests.clear()
            self._max_concurrent = 0

    def fail_next(self, n: int = 1, *, status: int = 500) -> None:
        """The next n HTTP requests answer `status` (429 and 5xx are what the client retries)."""
        with self._lock:
            self._faults.extend(Fault("status", status) for _ in range(n))

    def timeout_next(self, n: int = 1, *, delay: float = 2.0) -> None:
        """The next n HTTP requests hang for `delay` seconds, then the connection is dropped."""
        with self._lock:
            self._faults.extend(Fault("timeout", delay=delay) for _ in range(n))

    def fail_next_batch_operations(self, n: int = 1, *, status: int = 500) -> None:
        """The next n operations run inside /batches fail with `status` in the results."""
        with self._lock:
            self._op_faults.extend([status] * n)

    def member(self, email: str, list_id: str | None = None) -> dict[str, Any] | None:
        audience = self.lists[list_id or self.audience_id]
        with self._lock:
            m = audience.members.get(subscriber_hash(email))
            return json.loads(json.dumps(self._member_view(audience, m))) if m else None

    def active_tags(self, email: str, list_id: str | None = None) -> set[str]:
        audience = self.lists[list_id or self.audience_id]
        with self._lock:
            return {n for n, a in audience.tags.get(subscriber_hash(email), {}).items() if a}

    def inactive_tags(self, email: str, list_id: str | None = None) -> set[str]:
        audience = self.lists[list_id or self.audience_id]
        with self._lock:
            return {n for n, a in audience.tags.get(subscriber_hash(email), {}).items() if not a}

    def set_status(self, email: str, status: str, list_id: str | None = None) -> None:
        """What a subscriber clicking "unsubscribe" (or a bounce) does on Mailchimp's side."""
        audience = self.lists[list_id or self.audience_id]
        with self._lock:
            h = subscriber_hash(email)
            if h not in audience.members:
                self._create_member(audience, h, {"email_address": email, "status": status})
            audience.members[h]["status"] = status
            audience.members[h]["last_changed"] = _now()

    @property
    def member_count(self) -> int:
        return len(self.lists[self.audience_id].members)

    # ----- HTTP entry ------------------------------------------------------------------------------
    def _take_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    def handle(self, method: str, raw_path: str, headers: Any, body: bytes) -> tuple[int, Any, str]:
        """Returns (status, payload, content type); payload is a dict, bytes or None."""
        with self._lock:
            self.requests.append((method, raw_path))
        parts = urlsplit(raw_path)
        path = parts.path
        if path.startswith("/_fake/batch-results/"):
            # The real results live on S3 behind a presigned URL: no API auth.
            batch_id = path.rsplit("/", 1)[-1].removesuffix(".tar.gz")
            data = self._batch_results.get(batch_id)
            if data is None:
                return 404, b"not found", "text/plain"
            return 200, data, "application/x-gzip"
        if not path.startswith("/3.0"):
            return (
                *_problem(404, "Resource Not Found", "The requested resource could not be found."),
                "application/problem+json",
            )
        if not self._authorised(headers.get("Authorization", "")):
            status, payload = _problem(
                401,
                "API Key Invalid",
                "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
            )
            return status, payload, "application/problem+json"
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            parsed = json.loads(body) if body else {}
        except ValueError:
            status, payload = _problem(
                400, "JSON Parse Exception", "We encountered an unspecified JSON parsing error."
            )
            return status, payload, "application/problem+json"
        status, payload = self.dispatch(method, path.removeprefix("/3.0"), query, parsed)
        ctype = "application/problem+json" if status >= 400 else "application/json"
        return status, payload, ctype

    def _authorised(self, header: str) -> bool:
        if not header.startswith("Basic "):
            return False
        try:
            decoded = base64.b64decode(header[6:]).decode()
        except ValueError:
            return False
        return decoded.partition(":")[2] == self.api_key

    # ----- the API ---------------------------------------------------------------------------------
    def dispatch(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        segments = [s for s in path.split("/") if s]
        with self._lock:
            if segments in ([], ["ping"]) and method == "GET":
                return 200, {"health_status": "Everything's Chimpy!"}
            if segments[:1] == ["batches"]:
                return self._batches(method, segments[1:], body)
            if segments[:1] == ["lists"] and len(segments) >= 2:
                audience = self.lists.get(segments[1])
                if audience is None:
                    return _problem(404, "Resource Not Found", "The requested resource could not be found.")
                rest = segments[2:]
                if not rest and method == "GET":
                    return 200, {
                        "id": audience.id,
                        "name": audience.name,
                        "stats": {
                            "member_count": sum(
                                1 for m in audience.members.values() if m["status"] == "subscribed"
                            )
                        },
                    }
                if rest[:1] == ["members"]:
                    return self._members(method, audience, rest[1:], query, body)
            return _problem(404, "Resource Not Found", "The requested resource could not be found.")

    def _members(
        self, method: str, audience: FakeAudience, rest: list[str], query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        if not rest:
            if method == "GET":
                members = list(audience.members.values())
                if query.get("status"):
                    members = [m for m in members if m["status"] == query["status"]]
                offset, count = int(query.get("offset", 0)), min(int(query.get("count", 10)), 1000)
                page = members[offset : offset + count]
                return 200, {
                    "members": [self._member_view(audience, m) for m in page],
                    "list_id": audience.id,
                    "total_items": len(members),
                }
            if method == "POST":
                email = (body or {}).get("email_address", "")
                h = subscriber_hash(email)
                if h in audience.members:
                    return _problem(400, "Member Exists", f"{email} is already a list member.")
                return self._upsert(audience, h, body, create_only=True)
            return _problem(
                405, "Method Not Allowed", "The requested method and resource are not compatible."
            )
        h = rest[0].lower()
        if "@" in h:
            h = subscriber_hash(h)
        if len(rest) == 1:
            if method == "GET":
                m = audience.members.get(h)
                if m is None:
                    return _problem(404, "Resource Not Found", "The requested resource could not be found.")
                return 200, self._member_view(audience, m)
            if method == "PUT":
                return self._upsert(audience, h, body)
            if method == "PATCH":
                if h not in audience.members:
                    return _problem(404, "Resource Not Found", "The requested resource could not be found.")
                return self._upsert(audience, h, body)
            if method == "DELETE":
                if audience.members.pop(h, None) is None:
                    return _problem(404, "Resource Not Found", "The requested resource could not be found.")
                return 204, None
        if len(rest) == 3 and rest[1:] == ["actions", "delete-permanent"] and method == "POST":
            if audience.members.pop(h, None) is None:
                return _problem(404, "Resource Not Found", "The requested resource could not be found.")
            audience.tags.pop(h, None)
            self.permanently_deleted.add(h)
            return 204, None
        if len(rest) == 2 and rest[1] == "tags":
            m = audience.members.get(h)
            if m is None:
                return _problem(404, "Resource Not Found", "The requested resource could not be found.")
            if method == "GET":
                names = sorted(n for n, a in audience.tags.get(h, {}).items() if a)
                return 200, {
                    "tags": [{"id": i + 1, "name": n} for i, n in enumerate(names)],
                    "total_items": len(names),
                }
            if method == "POST":
                tags = (body or {}).get("tags")
                if not isinstance(tags, list) or any(
                    not isinstance(t, dict)
                    or not t.get("name")
                    or t.get("status") not in {"active", "inactive"}
                    for t in tags
                ):
                    return _problem(400, "Invalid Resource", "The resource submitted could not be validated.")
                member_tags = audience.tags.setdefault(h, {})
                for t in tags:
                    member_tags[t["name"]] = t["status"] == "active"
                return 204, None
        return _problem(404, "Resource Not Found", "The requested resource could not be found.")

    def _upsert(
        self, audience: FakeAudience, h: str, body: Any, *, create_only: bool = False
    ) -> tuple[int, Any]:
        if not isinstance(body, dict):
            return _problem(400, "Invalid Resource", "The resource submitted could not be validated.")
        email = body.get("email_address", "")
        existing = audience.members.get(h)
        if existing is None:
            if not email or "@" not in email or subscriber_hash(email) != h:
                return _problem(
                    400,
                    "Invalid Resource",
                    "The resource submitted could not be validated. Please enter a valid email address.",
                )
            status = body.get("status") or body.get("status_if_new")
            if status not in STATUSES:
                return _problem(
                    400,
                    "Invalid Resource",
                    "The resource submitted could not be validated. "
                    "field: status, message: Schema describes enum",
                )
            member = self._create_member(audience, h, body)
            member["status"] = status
            return 200, self._member_view(audience, member)
        if create_only:
            return _problem(400, "Member Exists", f"{email} is already a list member.")
        status = body.get("status")
        if status is not None:
            if status not in STATUSES:
                return _problem(400, "Invalid Resource", "The resource submitted could not be validated.")
            if (existing["status"] in {"unsubscribed", "cleaned"} and status == "subscribed") or (
                existing["status"] == "cleaned" and status == "pending"
            ):
                return _problem(
                    400,
                    "Member In Compliance State",
                    f"{existing['email_address']} is in a compliance state due to unsubscribe, bounce, or "
                    "compliance review and cannot be subscribed.",
                )
        if email and subscriber_hash(email) != h:
            # An email change through the member's old hash, as the real API allows.
            audience.members.pop(h)
            audience.tags[subscriber_hash(email)] = audience.tags.pop(h, {})
            h = subscriber_hash(email)
            existing["id"] = h
            existing["email_address"] = email
            audience.members[h] = existing
        if status is not None:
            existing["status"] = status
        if isinstance(body.get("merge_fields"), dict):
            existing["merge_fields"].update(body["merge_fields"])
        if "language" in body:
            existing["language"] = body["language"]
        existing["last_changed"] = _now()
        return 200, self._member_view(audience, existing)

    def _create_member(self, audience: FakeAudience, h: str, body: dict[str, Any]) -> dict[str, Any]:
        member = {
            "id": h,
            "email_address": body["email_address"],
            "unique_email_id": uuid.uuid4().hex[:10],
            "status": body.get("status", "subscribed"),
            "merge_fields": dict(body.get("merge_fields") or {}),
            "language": body.get("language", ""),
            "list_id": audience.id,
            "timestamp_opt": _now(),
            "last_changed": _now(),
        }
        audience.members[h] = member
        if isinstance(body.get("tags"), list):
            audience.tags[h] = {str(t): True for t in body["tags"]}
        return member

    def _member_view(self, audience: FakeAudience, m: dict[str, Any]) -> dict[str, Any]:
        names = sorted(n for n, a in audience.tags.get(m["id"], {}).items() if a)
        return {
            **m,
            "tags_count": len(names),
            "tags": [{"id": i + 1, "name": n} for i, n in enumerate(names)],
        }

    # ----- batches ---------------------------------------------------------------------------------
    def _batches(self, method: str, rest: list[str], body: Any) -> tuple[int, Any]:
        if not rest and method == "POST":
            ops = (body or {}).get("operations")
            if not isinstance(ops, list) or not ops:
                return _problem(400, "Invalid Resource", "The resource submitted could not be validated.")
            batch_id = uuid.uuid4().hex[:10]
            batch = {
                "id": batch_id,
                "status": "pending",
                "total_operations": len(ops),
                "finished_operations": 0,
                "errored_operations": 0,
                "submitted_at": _now(),
                "completed_at": "",
                "response_body_url": "",
            }
            self.batches[batch_id] = batch
            threading.Thread(target=self._run_batch, args=(batch_id, ops), daemon=True).start()
            return 200, dict(batch)
        if len(rest) == 1 and method == "GET":
            batch = self.batches.get(rest[0])
            if batch is None:
                return _problem(404, "Resource Not Found", "The requested resource could not be found.")
            return 200, dict(batch)
        if not rest and method == "GET":
            return 200, {
                "batches": [dict(b) for b in self.batches.values()],
                "total_items": len(self.batches),
            }
        return _problem(404, "Resource Not Found", "The requested resource could not be found.")

    def _run_batch(self, batch_id: str, ops: list[dict[str, Any]]) -> None:
        with self._lock:
            self.batches[batch_id]["status"] = "started"
        if self.batch_seconds_per_1000_ops:
            time.sleep(self.batch_seconds_per_1000_ops * len(ops) / 1000)
        results = []
        for op in ops:
            with self._lock:
                injected = self._op_faults.pop(0) if self._op_faults else None
            if injected is not None:
                status, payload = _problem(
                    injected,
                    "Internal Server Error" if injected >= 500 else "Too Many Requests",
                    "An unexpected internal error has occurred.",
                )
            else:
                try:
                    op_body = json.loads(op["body"]) if op.get("body") else {}
                except ValueError:
                    op_body = None
                path = op.get("path", "")
                query = {k: str(v) for k, v in (op.get("params") or {}).items()}
                status, payload = self.dispatch(op.get("method", "GET").upper(), path, query, op_body)
            results.append(
                {
                    "status_code": status,
                    "operation_id": op.get("operation_id"),
                    "response": json.dumps(payload) if payload is not None else "",
                }
            )
            with self._lock:
                batch = self.batches[batch_id]
                batch["finished_operations"] += 1
                if status >= 400:
                    batch["errored_operations"] += 1
        self._batch_results[batch_id] = _results_archive(batch_id, results)
        with self._lock:
            batch = self.batches[batch_id]
            batch["response_body_url"] = f"{self.base_url}/_fake/batch-results/{batch_id}.tar.gz"
            batch["completed_at"] = _now()
            batch["status"] = "finished"


def _results_archive(batch_id: str, results: list[dict[str, Any]]) -> bytes:
    """A gzipped tar with a directory and JSON arrays of results, 1,000 per file, like Mailchimp's."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        folder = tarfile.TarInfo(f"{batch_id}/")
        folder.type = tarfile.DIRTYPE
        tar.addfile(folder)
        for n, start in enumerate(range(0, len(results), 1000)):
            data = json.dumps(results[start : start + 1000]).encode()
            info = tarfile.TarInfo(f"{batch_id}/{n}.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(buffer.getvalue())


def _shape(path: str) -> str:
    """/3.0/lists/abc/members/0123.../tags -> /lists/{id}/members/{hash}/tags, for summaries."""
    parts = urlsplit(path).path.removeprefix("/3.0").split("/")
    out = []
    for i, part in enumerate(parts):
        if i > 0 and parts[i - 1] in {"lists", "members", "batches", "batch-results"}:
            out.append("{id}")
        else:
            out.append(part)
    return "/".join(out)


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeMailchimp
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        fake = self.server_fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with fake._lock:
            fake._concurrent += 1
            fake._max_concurrent = max(fake._max_concurrent, fake._concurrent)
        try:
            fault = fake._take_fault()
            if fault is not None:
                with fake._lock:
                    fake.requests.append((self.command, self.path))
                if fault.kind == "timeout":
                    time.sleep(fault.delay)
                    self.close_connection = True
                    return
                title = "Too Many Requests" if fault.status == 429 else "Internal Server Error"
                status, payload = _problem(fault.status, title, "Injected by the fake.")
                self._reply(status, payload, "application/problem+json")
                return
            status, payload, ctype = fake.handle(self.command, self.path, self.headers, body)
            self._reply(status, payload, ctype)
        finally:
            with fake._lock:
                fake._concurrent -= 1

    def _reply(self, status: int, payload: Any, ctype: str) -> None:
        data = (
            payload
            if isinstance(payload, bytes)
            else (b"" if payload is None else json.dumps(payload).encode())
        )
        self.send_response(status)
        if data:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve
