"""The campaign page answered from the cache before the rest of the middleware stack runs.

The view in home/views.py already serves the page from the cache without a database query, but a
hit there still pays for sessions, CSRF, locale activation, authentication, messages and URL
resolving: more than the cached page itself. Placed right after WhiteNoiseMiddleware, this answers a
clean anonymous GET of "/" or "/en/" with the stored bytes and headers, so the busiest page costs
about as much as a static file. What it stores is exactly what the full stack answered, and only
when that answer is safe to hand to anyone: no cookie set, no CSRF token in the page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers

from home import cache as campaign_cache

# Set by the view on a plain render of the campaign page ("miss") or a replay of its cache ("hit").
MARKER = "X-Campaign-Cache"


class CampaignPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        default = settings.LANGUAGE_CODE
        # i18n_patterns with prefix_default_language=False: "/" is always the default language.
        self.language_by_path = {"/": default} | {
            f"/{code}/": code for code, _name in settings.LANGUAGES if code != default
        }

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = self.language_by_path.get(request.path_info)
        if language is None or not campaign_cache.is_cacheable(request):
            return self.get_response(request)

        key = campaign_cache.response_key_for(request, language)
        stored = cache.get(key)
        if stored is not None:
            return _replay(*stored)

        response = self.get_response(request)
        if _shareable(response):
            # Logged-in editors see another page (userbar, drafts) at the same URL: shared caches
            # downstream must tell them apart, as this cache does by the session cookie.
            patch_vary_headers(response, ("Cookie",))
            headers = [(name, value) for name, value in response.items() if name != MARKER]
            cache.set(key, (response.content, headers), campaign_cache.timeout())
        return response


def _shareable(response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.get(MARKER) not in ("miss", "hit"):
        return False
    if response.streaming or response.cookies:
        return False
    # A CSRF token in the page belongs to one visitor's cookie; served to others, their forms fail.
    return b"csrfmiddlewaretoken" not in response.content


def _replay(content: bytes, headers: list[tuple[str, str]]) -> HttpResponse:
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response[MARKER] = "hit"
    return response
