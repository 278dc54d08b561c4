"""One limiter for every public form that sends email or costs money.

django-ratelimit counts in the Django cache (Redis in production, so every web process and container
shares the counts; keys are hashed, so no address or email sits in the cache in clear). A request is
counted against the visitor's real address (core.client_address, behind the trusted proxies) and,
where the form has one, against the email address it names: a flood of "send me the link" requests
for one supporter's email is stopped even when it comes from many addresses.

Callers show the visitor a clear message with status 429 when `limit_reached` says so; nothing is
dropped silently. Rates live in settings.RATE_LIMITS ("count/period", e.g. "5/h", "1/10m").
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from core.client_address import client_address


def _by_address(group: str, request: HttpRequest) -> str:
    return client_address(request) or "unknown"


def limit_reached(request: HttpRequest, *, scope: str, email: str = "") -> bool:
    """Count this request for `scope` and say whether it is over the limit (by address or by email)."""
    rates: dict[str, str] = settings.RATE_LIMITS[scope]
    over = is_ratelimited(
        request,
        group=f"{scope}:address",
        key=_by_address,
        rate=rates["address"],
        method=is_ratelimited.ALL,
        increment=True,
    )
    normalised = email.strip().lower()
    if normalised and "email" in rates:
        over_for_email = is_ratelimited(
            request,
            group=f"{scope}:email",
            key=lambda group, request: normalised,
            rate=rates["email"],
            method=is_ratelimited.ALL,
            increment=True,
        )
        over = over or over_for_email
    return over
