"""The visitor's real address, as the trusted proxies in front of the site saw it.

Behind a load balancer or TLS proxy every request arrives from the proxy's own address, so limits and
lock-outs keyed on REMOTE_ADDR would lump all visitors together. Each trusted proxy appends the address
it received the request from to X-Forwarded-For; with N trusted proxies the client is the N-th entry
from the right. Entries further left were written by the client itself and are never trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid_address(raw: str) -> str | None:
    candidate = raw.strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's IP address, taking TRUSTED_PROXY_COUNT proxies into account ("" if unknown)."""
    remote = _valid_address(request.META.get("REMOTE_ADDR", "")) or ""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer hops than proxies: the request did not come through all of them (a health check from
        # inside the network, say); the connecting address is the best we know.
        return remote
    return _valid_address(forwarded[-proxies]) or remote
