"""Public pages answered from the shared cache before the rest of the middleware stack runs.

A render of a public page pays for sessions, CSRF, locale activation, authentication, messages, URL
resolving and the page's queries; a hit here pays for one or two cache reads. Placed right after
WhiteNoiseMiddleware, this answers a clean anonymous GET with the stored bytes, status and headers,
so every public page costs about as much as a static file (home/cache.py says why not a library).

What it stores is exactly what the full stack answered, and only when that answer is safe to hand to
anyone: the view offered it (home.cache.offer), no cookie was set, no CSRF token and no CSP nonce is
in the page. The key holds only the query parameters the page reads; the first request to a path
learns them, and from then on the request is reduced to them before the page renders, so junk
parameters (``?preview=1``, ``utm_*``) hit the same entry and never reach the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers

from home import cache as page_cache

CSP_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
_NONCE_SOURCE = re.compile(r"\s*'nonce-[^']*'")


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not page_cache.is_cacheable(request):
            return _personal(_without_offer(self.get_response(request)))

        generation = page_cache.generation()
        if request.META.get("QUERY_STRING"):
            reads = cache.get(page_cache.reads_key(generation, request))
            if reads is None:
                # First visit of this path in this generation with a query: render it as asked and
                # learn which parameters the page reads; store it only if nothing else was asked.
                return self._render_and_store(request, generation, exact_only=True)
            query = page_cache.kept_query(request, reads)
        else:
            query = QueryDict()
        stored = cache.get(page_cache.response_key(generation, request, query))
        if stored is not None:
            return _replay(*stored)
        # The page renders from exactly the parameters it reads, so what is stored fits every key alike.
        request.GET = QueryDict(query.urlencode())
        request.META["QUERY_STRING"] = query.urlencode()
        return self._render_and_store(request, generation, exact_only=False)

    def _render_and_store(
        self, request: HttpRequest, generation: str, *, exact_only: bool
    ) -> HttpResponseBase:
        response = self.get_response(request)
        offered = response.get(page_cache.OFFER_HEADER)
        _without_offer(response)
        if offered is None or not _shareable(response):
            return _personal(response)
        reads = tuple(name for name in offered.split(",") if name)
        cache.set(page_cache.reads_key(generation, request), reads, page_cache.timeout())
        query = page_cache.kept_query(request, reads)
        if exact_only and sorted(query.lists()) != sorted(request.GET.lists()):
            return response
        # Logged-in editors see another page (userbar, drafts) at the same URL: shared caches
        # downstream must tell them apart, as this cache does by the session cookie.
        patch_vary_headers(response, ("Cookie",))
        _public(response)
        headers = [(name, _without_nonce(name, value)) for name, value in response.items()]
        cache.set(
            page_cache.response_key(generation, request, query),
            (response.content, response.status_code, headers),
            page_cache.timeout(),
        )
        response[page_cache.STATUS_HEADER] = "miss"
        return response


def _public(response: HttpResponseBase) -> None:
    """A page the same for every anonymous visitor: a CDN may keep it for CDN_MAX_AGE seconds.

    Browsers revalidate (max-age=0), so a visitor who logs in or donates never sees a stale copy
    from their own cache; the CDN is purged on publish (home/cdn.py) and keeps it at most s-maxage.
    """
    shared = getattr(settings, "CDN_MAX_AGE", 0)
    if shared > 0:
        patch_cache_control(response, public=True, max_age=0, s_maxage=shared)
    else:
        patch_cache_control(response, no_cache=True)


def _personal(response: HttpResponseBase) -> HttpResponseBase:
    """Not stored here: it may be personal (an editor, a session, a message, a form token), so no
    shared cache may keep it either. A view that chose its own Cache-Control (media, health) keeps it."""
    if "Cache-Control" not in response:
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _without_offer(response: HttpResponseBase) -> HttpResponseBase:
    if page_cache.OFFER_HEADER in response:
        del response[page_cache.OFFER_HEADER]
    return response


def _shareable(response: HttpResponseBase) -> bool:
    if response.status_code not in (200, 404) or response.streaming or response.cookies:
        return False
    # A CSRF token belongs to one visitor's cookie: served to others, their forms would fail.
    # A CSP nonce must be new on every response: stored, it would be the same for everyone.
    return b"csrfmiddlewaretoken" not in response.content and b"nonce=" not in response.content


def _without_nonce(name: str, value: str) -> str:
    # The stored page uses no nonce (see _shareable); a nonce left in its policy would be one every
    # visitor and every attacker could read, so it goes.
    return _NONCE_SOURCE.sub("", value) if name in CSP_HEADERS else value


def _replay(content: bytes, status: int, headers: list[tuple[str, str]]) -> HttpResponse:
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response[page_cache.STATUS_HEADER] = "hit"
    return response
