"""Error reports to Sentry when SENTRY_DSN is set, with personal data kept out.

send_default_pii stays False (no cookies, user, IP), and `before_send` strips what would still
carry personal data: request bodies, query strings, cookies and headers, local variables, and
emails / phone numbers / URL secrets in messages and exception values (cms.logging.scrub).
"""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

from cms.logging import scrub

_SAFE_HEADERS = {"User-Agent", "Content-Type", "Content-Length", "Accept-Language", "Host"}


def _scrub_values(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_values(item) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_values(item) for key, item in value.items()}
    return value


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {name: value for name, value in headers.items() if name in _SAFE_HEADERS}
        if "url" in request:
            request["url"] = scrub(request["url"])
    event.pop("user", None)
    for exception in (event.get("exception") or {}).get("values", []) or []:
        if "value" in exception:
            exception["value"] = scrub(str(exception["value"]))
        for frame in (exception.get("stacktrace") or {}).get("frames", []) or []:
            frame.pop("vars", None)
    if "logentry" in event:
        event["logentry"] = _scrub_values(event["logentry"])
    if "message" in event:
        event["message"] = _scrub_values(event["message"])
    if "breadcrumbs" in event:
        event["breadcrumbs"] = _scrub_values(event["breadcrumbs"])
    return event


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    if not dsn:
        return
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
    )
