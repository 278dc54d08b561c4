"""Thin typed client over the official `mailchimp-marketing` SDK.

Config comes from settings at call time (nothing is set at import), the base URL can point at a
local fake, and the client never touches the ORM: services decide what to send and what to record.

What this layer adds to the SDK:
- bounded retries with exponential backoff on 429, 5xx and network errors/timeouts;
- one pooled HTTP session capped at 10 connections (the SDK would open one per request);
- /batches followed to completion: submit, poll, download the gzipped tar of results;
- paging through the audience for the nightly reconcile.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import random
import tarfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests
from django.conf import settings
from mailchimp_marketing import Client
from mailchimp_marketing.api_client import ApiClientError
from requests.adapters import HTTPAdapter

logger = logging.getLogger(__name__)

MAX_CONNECTIONS = 10
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


def subscriber_hash(email: str) -> str:
    """Mailchimp's member id: the MD5 of the lower-cased address."""
    return hashlib.md5(email.strip().lower().encode()).hexdigest()


@dataclass(frozen=True, kw_only=True)
class MailchimpConfig:
    api_key: str
    audience_id: str
    api_url: str
    timeout_seconds: float = 30.0
    max_retries: int = 5
    backoff_seconds: float = 1.0
    batch_poll_seconds: float = 1.0
    batch_timeout_seconds: float = 3600.0

    @property
    def is_configured(self) -> bool:
        return bool(self.api_key and self.audience_id and self.api_url)

    @classmethod
    def from_settings(cls) -> MailchimpConfig:
        api_key = getattr(settings, "MAILCHIMP_API_KEY", "") or ""
        return cls(
            api_key=api_key,
            audience_id=getattr(settings, "MAILCHIMP_AUDIENCE_ID", "") or "",
            api_url=(getattr(settings, "MAILCHIMP_API_URL", "") or default_api_url(api_key)).rstrip("/"),
            timeout_seconds=float(getattr(settings, "MAILCHIMP_TIMEOUT_SECONDS", 30.0)),
            max_retries=int(getattr(settings, "MAILCHIMP_MAX_RETRIES", 5)),
            backoff_seconds=float(getattr(settings, "MAILCHIMP_BACKOFF_SECONDS", 1.0)),
            batch_poll_seconds=float(getattr(settings, "MAILCHIMP_BATCH_POLL_SECONDS", 1.0)),
            batch_timeout_seconds=float(getattr(settings, "MAILCHIMP_BATCH_TIMEOUT_SECONDS", 3600.0)),
        )


def default_api_url(api_key: str) -> str:
    """Mailchimp keys end in their data centre (`…-us21`), which names the API host."""
    _, _, dc = api_key.rpartition("-")
    return f"https://{dc}.api.mailchimp.com/3.0" if dc and api_key.count("-") == 1 else ""


class MailchimpError(Exception):
    def __init__(self, *, status: int | None, title: str = "", detail: str = ""):
        self.status = status
        self.title = title
        self.detail = detail
        # "Not configured: Set …", "400 Invalid Resource: …": a missing status (no answer) is not written as "None".
        head = " ".join(part for part in (str(status) if status is not None else "", title) if part)
        super().__init__(f"{head}: {detail}" if head and detail else head or detail)

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status in RETRYABLE_STATUSES

    @property
    def is_compliance_state(self) -> bool:
        return self.title == "Member In Compliance State"


class MailchimpNotConfigured(MailchimpError):
    def __init__(self) -> None:
        super().__init__(
            status=None, title="Not configured", detail="Set MAILCHIMP_API_KEY and MAILCHIMP_AUDIENCE_ID."
        )


@dataclass(frozen=True, kw_only=True)
class BatchOperation:
    method: str
    path: str
    operation_id: str
    body: dict[str, Any] | None = None

    def as_api(self) -> dict[str, Any]:
        op: dict[str, Any] = {"method": self.method, "path": self.path, "operation_id": self.operation_id}
        if self.body is not None:
            op["body"] = json.dumps(self.body)  # the batches API wants the body as a JSON string
        return op


@dataclass(frozen=True, kw_only=True)
class OperationResult:
    operation_id: str
    status: int | None
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def error(self) -> MailchimpError | None:
        if self.ok:
            return None
        return MailchimpError(
            status=self.status, title=str(self.body.get("title", "")), detail=str(self.body.get("detail", ""))
        )


def _parse_error(exc: ApiClientError) -> MailchimpError:
    text: Any = exc.text
    if isinstance(text, str):
        try:
            text = json.loads(text)
        except ValueError:
            text = {"detail": text}
    if not isinstance(text, dict):
        text = {"detail": str(text)}
    return MailchimpError(
        status=exc.status_code, title=str(text.get("title", "")), detail=str(text.get("detail", ""))
    )


class MailchimpClient:
    """One client per sync run; safe to share between the run's worker threads."""

    def __init__(self, *, config: MailchimpConfig | None = None, sleep: Callable[[float], None] = time.sleep):
        self.config = config or MailchimpConfig.from_settings()
        if not self.config.is_configured:
            raise MailchimpNotConfigured()
        self._sleep = sleep
        self._calls = 0
        self._calls_lock = threading.Lock()
        self.session = requests.Session()
        # pool_block makes the 11th concurrent request wait for a free connection instead of opening one.
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=MAX_CONNECTIONS, pool_block=True)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.sdk = Client()
        self.sdk.set_config({"api_key": self.config.api_key, "timeout": self.config.timeout_seconds})
        self.sdk.api_client.host = self.config.api_url
        # The SDK replaces the word "server" in URLs with the data centre; ours is already resolved.
        self.sdk.api_client.server = ""
        self.sdk.api_client.request = self._sdk_request

    @property
    def audience_id(self) -> str:
        return self.config.audience_id

    @property
    def api_calls(self) -> int:
        return self._calls

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> MailchimpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- transport -------------------------------------------------------------------------------
    def _count(self) -> None:
        with self._calls_lock:
            self._calls += 1

    def _sdk_request(
        self, method: str, url: str, query_params: Any = None, headers: dict | None = None, body: Any = None
    ) -> requests.Response:
        self._count()
        data = json.dumps(body) if body is not None and method in {"POST", "PUT", "PATCH"} else None
        return self.session.request(
            method,
            url,
            params=query_params,
            headers=headers,
            data=data,
            auth=("welgee", self.config.api_key),
            timeout=self.config.timeout_seconds,
        )

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Runs one SDK call, retrying 429/5xx/network errors with exponential backoff and jitter."""
        attempt = 0
        while True:
            try:
                result = fn(*args, **kwargs)
                if isinstance(result, requests.Response) and not result.ok:
                    # The SDK returns (instead of raising) an error response that has no body.
                    raise MailchimpError(status=result.status_code, title=result.reason or "")
                return result
            except ApiClientError as exc:
                error = _parse_error(exc)
            except MailchimpError as exc:
                error = exc
            if not error.retryable or attempt >= self.config.max_retries:
                raise error
            delay = min(self.config.backoff_seconds * (2**attempt), 30.0) * (0.5 + random.random() / 2)
            logger.info("Mailchimp %s, retrying in %.2fs (attempt %d)", error, delay, attempt + 1)
            self._sleep(delay)
            attempt += 1

    # ----- members ---------------------------------------------------------------------------------
    def ping(self) -> dict[str, Any]:
        return self._call(self.sdk.ping.get)

    def upsert_member(self, *, email: str, body: dict[str, Any]) -> dict[str, Any]:
        """PUT /lists/{id}/members/{hash}: creates with `status_if_new`, updates otherwise."""
        return self._call(
            self.sdk.lists.set_list_member,
            self.audience_id,
            subscriber_hash(email),
            {"email_address": email, **body},
        )

    def get_member(self, *, email: str) -> dict[str, Any] | None:
        try:
            return self._call(self.sdk.lists.get_list_member, self.audience_id, subscriber_hash(email))
        except MailchimpError as exc:
            if exc.status == 404:
                return None
            raise

    def delete_member_permanently(self, *, member_hash: str) -> bool:
        """POST /lists/{id}/members/{hash}/actions/delete-permanent (APPI erasure); False if not there.

        Archiving would keep the address in Mailchimp; permanent deletion removes it (the person can
        still sign up again themselves).
        """
        try:
            self._call(self.sdk.lists.delete_list_member_permanent, self.audience_id, member_hash)
        except MailchimpError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def update_member_tags(self, *, email: str, tags: dict[str, bool]) -> None:
        """Marks each tag active (True) or inactive (False) on one member."""
        self._call(
            self.sdk.lists.update_list_member_tags,
            self.audience_id,
            subscriber_hash(email),
            {"tags": tags_body(tags)},
        )

    def iter_members(self, *, page_size: int = 1000, status: str | None = None) -> Iterator[dict[str, Any]]:
        """Pages through the audience (email, status, merge fields, last change)."""
        offset = 0
        fields = [
            "members.id",
            "members.email_address",
            "members.status",
            "members.merge_fields",
            "members.last_changed",
            "total_items",
        ]
        while True:
            kwargs: dict[str, Any] = {"count": page_size, "offset": offset, "fields": fields}
            if status:
                kwargs["status"] = status
            page = self._call(self.sdk.lists.get_list_members_info, self.audience_id, **kwargs)
            members = page.get("members", [])
            yield from members
            offset += len(members)
            if not members or offset >= int(page.get("total_items", 0)):
                return

    # ----- concurrency and batches -----------------------------------------------------------------
    def run_operations(self, operations: Iterable[BatchOperation]) -> list[OperationResult]:
        """Runs a few operations as direct calls, at most MAX_CONNECTIONS at a time."""

        def one(op: BatchOperation) -> OperationResult:
            try:
                result = self._call(self.sdk.api_client.call_api, op.path, op.method, body=op.body)
            except MailchimpError as exc:
                return OperationResult(
                    operation_id=op.operation_id,
                    status=exc.status,
                    body={"title": exc.title, "detail": exc.detail},
                )
            body = result if isinstance(result, dict) else {}
            return OperationResult(operation_id=op.operation_id, status=200, body=body)

        ops = list(operations)
        with ThreadPoolExecutor(max_workers=MAX_CONNECTIONS) as pool:
            return list(pool.map(one, ops))

    def run_batches(
        self, operations: list[BatchOperation], *, chunk_size: int = 5000
    ) -> list[OperationResult]:
        """Submits operations through /batches, follows them to completion and returns every result.

        An operation with no result (a batch that never finished) comes back with status None so the
        caller records it as failed and retries it on the next run: nothing is dropped silently.
        """
        if not operations:
            return []
        chunks = [operations[i : i + chunk_size] for i in range(0, len(operations), chunk_size)]
        pending: dict[str, list[BatchOperation]] = {}
        submitted = time.monotonic()
        for chunk in chunks:
            batch = self._call(self.sdk.batches.start, {"operations": [op.as_api() for op in chunk]})
            pending[batch["id"]] = chunk
        results: dict[str, OperationResult] = {}
        deadline = time.monotonic() + self.config.batch_timeout_seconds
        shortest, longest = self.config.batch_poll_seconds / 4, self.config.batch_poll_seconds * 4
        # Batches run side by side on Mailchimp's end: wait for the first, then the rest are usually
        # finished by the time we ask, so polling costs about one call per batch after the first.
        first = True
        for batch_id in pending:
            delay = shortest
            if first:
                self._sleep(delay)
                first = False
            while time.monotonic() < deadline:
                status = self._call(self.sdk.batches.status, batch_id)
                if status.get("status") == "finished":
                    for result in self._batch_results(status.get("response_body_url", "")):
                        results[result.operation_id] = result
                    break
                delay = _next_poll_delay(
                    status, elapsed=time.monotonic() - submitted, previous=delay, bounds=(shortest, longest)
                )
                self._sleep(delay)
        out = []
        for op in operations:
            out.append(
                results.get(op.operation_id)
                or OperationResult(
                    operation_id=op.operation_id,
                    status=None,
                    body={"title": "No result", "detail": "batch unfinished"},
                )
            )
        return out

    def _batch_results(self, url: str) -> list[OperationResult]:
        if not url:
            return []
        attempt = 0
        while True:
            self._count()
            try:
                response = self.session.get(url, timeout=self.config.timeout_seconds)
                if response.status_code not in RETRYABLE_STATUSES:
                    response.raise_for_status()
                    break
            except requests.RequestException:
                if attempt >= self.config.max_retries:
                    raise
            if attempt >= self.config.max_retries:
                response.raise_for_status()
            self._sleep(self.config.backoff_seconds * (2**attempt))
            attempt += 1
        out: list[OperationResult] = []
        raw = response.content
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
            for member in tar.getmembers():
                if not member.isfile():
                    continue
                handle = tar.extractfile(member)
                if handle is None:
                    continue
                for item in json.load(handle):
                    try:
                        body = json.loads(item.get("response") or "{}")
                    except ValueError:
                        body = {"detail": item.get("response")}
                    out.append(
                        OperationResult(
                            operation_id=str(item.get("operation_id")),
                            status=int(item.get("status_code") or 0) or None,
                            body=body if isinstance(body, dict) else {},
                        )
                    )
        return out

    # ----- operation builders ----------------------------------------------------------------------
    def member_upsert_operation(
        self, *, email: str, body: dict[str, Any], operation_id: str, current_email: str | None = None
    ) -> BatchOperation:
        """PUT to the member's current address; a different `email` in the body changes the address."""
        return BatchOperation(
            method="PUT",
            path=f"/lists/{self.audience_id}/members/{subscriber_hash(current_email or email)}",
            operation_id=operation_id,
            body={"email_address": email, **body},
        )

    def member_tags_operation(
        self, *, email: str, tags: dict[str, bool], operation_id: str
    ) -> BatchOperation:
        return BatchOperation(
            method="POST",
            path=f"/lists/{self.audience_id}/members/{subscriber_hash(email)}/tags",
            operation_id=operation_id,
            body={"tags": tags_body(tags)},
        )


def _next_poll_delay(
    status: dict[str, Any], *, elapsed: float, previous: float, bounds: tuple[float, float]
) -> float:
    """When to ask again about a running batch: when its progress so far says it will be done, so a
    long batch costs a few polls instead of one every few seconds; doubling when there is no progress
    to go by yet."""
    shortest, longest = bounds
    done = int(status.get("finished_operations") or 0)
    total = int(status.get("total_operations") or 0)
    if 0 < done < total and elapsed > 0:
        estimate = elapsed * (total - done) / done
        return min(max(estimate, shortest), longest)
    return min(previous * 2, longest)


def tags_body(tags: dict[str, bool]) -> list[dict[str, str]]:
    return [
        {"name": name, "status": "active" if active else "inactive"} for name, active in sorted(tags.items())
    ]
