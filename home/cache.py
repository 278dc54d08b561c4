"""Whole-response cache of every public page, per host, path, language and the parameters a page reads.

One mechanism for every public page type (campaign, story, story index, standard, donation, the
newsletter form, search and the 404), in both languages. home/middleware.py answers from it before
sessions, CSRF, locale and URL resolving run, so a cached page costs about what a static file does.

Why our own and not a kept library (both were evaluated):

- wagtail-cache 3.0 keys on the whole query string minus a deny-list (utm_* and the like): any other
  junk parameter (``/?preview=1``, ``/?x=1``, ``/?x=2`` ...) is a new key and a full render, so anyone
  can knock the site down with made-up parameters. Here the key holds only the parameters the page
  really reads (an allow-list per page type, :data:`QUERY_PARAMETERS`); every other parameter hits
  the same entry. wagtail-cache also clears by URL, which misses every page that shows a changed
  snippet, the live member counter or the menu; we move a generation (below) instead.
- Django's cache middleware (UpdateCacheMiddleware/FetchFromCacheMiddleware) keys on the full URL
  too, and stores anything without ``Cache-Control: private``; it cannot know that a render carried a
  message, a preview or a CSRF token. Here only responses a public view marked, with no cookie, no
  CSRF token and no CSP nonce, are stored.
- Wagtail's frontend_cache is for a CDN in front, not a cache in the process; it is configured from
  the environment (cms/env.py, docs/deploy.md) and purges on publish alongside this cache.

Invalidation by generation: any publish, unpublish, move, save or delete of something a page can show
(pages, snippets, images, sites, partner companies, gifts moving the member counter) moves the
cache to a new generation instead of hunting down keys; home/apps.py connects the receivers. With
REDIS_URL set the generation lives in Redis, so every process and container sees it.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase, QueryDict

from home import cdn, live_figures

GENERATION_KEY = "home:page-cache:generation"

# Response header a public view sets to offer its response to the shared cache; its value is the
# parameters the page reads, comma-separated. The middleware removes it before the visitor sees it.
OFFER_HEADER = "X-Page-Cache-Reads"
# Response header the visitor sees: "hit" (from the cache) or "miss" (rendered, now stored).
STATUS_HEADER = "X-Page-Cache"

# The only query parameters that change what a page shows; everything else (utm_*, fbclid,
# ?preview=1, junk) is ignored for the key and stripped before a page renders for the cache.
QUERY_PARAMETERS: dict[str, tuple[str, ...]] = {
    "home.HomePage": (),
    "home.StandardPage": (),
    "home.StoryPage": (),
    "home.StoryIndexPage": ("page", "tag"),
    "home.DonationPage": ("amount", "frequency"),
}
SEARCH_PARAMETERS = ("autocomplete", "page", "query", "tag")

# Never looked up or stored: the admin, documents, Stripe's and the donors' round-trips, webhooks.
NEVER_CACHED_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/_util/", "/static/", "/media/")


def timeout() -> int:
    # Bounded, so whatever changes without a signal (the date of the live member count) still refreshes.
    return getattr(settings, "PAGE_CACHE_SECONDS", 300)


def is_cacheable(request: HttpRequest) -> bool:
    """Only clean anonymous GETs: a session may carry a login, messages or a preview."""
    if request.method != "GET":
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return not request.path_info.startswith(NEVER_CACHED_PREFIXES)


def generation() -> str:
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        current = cache.get(GENERATION_KEY)
    return current


def normalise(name: str, value: str) -> str:
    """One spelling per meaning, so ``?query=難民`` and ``?query=　難民 `` share an entry."""
    value = unicodedata.normalize("NFKC", value)
    return " ".join(value.split())[:200]


def kept_query(request: HttpRequest, reads: tuple[str, ...]) -> QueryDict:
    """The request's query reduced to the parameters the page reads, normalised, in a fixed order."""
    kept = QueryDict(mutable=True)
    for name in sorted(reads):
        value = normalise(name, request.GET.get(name, ""))
        if value:
            kept[name] = value
    return kept


def digest(text: str) -> str:
    # Addresses and queries can be long (a search in Japanese); keys stay short and safe for any backend.
    return hashlib.sha256(text.encode()).hexdigest()


def release() -> str:
    """What is deployed (settings.RELEASE_ID): a new release never reads what the old one stored.

    Part of each key rather than of the generation, so releases running side by side during a
    rolling deploy still share one generation, and a publish in either clears both.
    """
    # Hashed: a release name may hold characters a cache backend refuses in keys.
    return digest(getattr(settings, "RELEASE_ID", "") or "-")[:12]


def reads_key(gen: str, request: HttpRequest) -> str:
    return f"home:page-reads:{release()}:{gen}:{digest(f'{request.get_host()}{request.path_info}')}"


def response_key(gen: str, request: HttpRequest, query: QueryDict) -> str:
    # The language is in the path ("/en/..."): i18n_patterns with prefix_default_language=False.
    return f"home:page:{release()}:{gen}:{digest(f'{request.get_host()}{request.path_info}?{query.urlencode()}')}"


def offer(response: HttpResponseBase, reads: tuple[str, ...]) -> HttpResponseBase:
    """Mark a public response as shareable: the same for every anonymous visitor, given ``reads``."""
    response[OFFER_HEADER] = ",".join(sorted(reads))
    return response


def public_view(*, reads: tuple[str, ...]) -> Callable:
    """Decorator for a non-page public view (search, the newsletter form) whose GET may be shared."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.method == "GET" and response.status_code == 200:
                offer(response, reads)
            return response

        return wrapped

    return decorate


def invalidate() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def on_setting_change(sender, setting: str = "", **kwargs) -> None:
    """A setting changed (override_settings): no database write is involved, so no commit to wait for.

    A swapped CACHES is a new, empty cache: nothing in it to forget, and it may not even answer.
    """
    if setting != "CACHES":
        invalidate()


def on_content_change(sender, **kwargs) -> None:
    """A page, snippet, image, site or partner company a public page shows was saved or deleted.

    Now, so this request's next read (the editor's redirect) misses; and again after commit, so a
    visitor who rendered the old content between our write and its commit has stored it in a
    generation nobody reads any more.
    """
    invalidate()
    transaction.on_commit(invalidate)
    cdn.purge_gathering_pages()


def on_site_setting_saved(sender, created: bool = False, **kwargs) -> None:
    """A site setting the pages show (the bank account) was edited.

    Wagtail makes a setting's row, with its defaults, the first time a page reads it: the page being
    rendered already shows those defaults, so that first save changes nothing a visitor saw, and
    forgetting every page then would make the first render of each page after a deploy a miss.
    """
    if not created:
        on_content_change(sender, **kwargs)


def on_membership_change(sender, **kwargs) -> None:
    """A membership or gift changed: the live member counter moves, after the write commits."""
    transaction.on_commit(_membership_changed)


def _membership_changed() -> None:
    live_figures.member_count_forget()
    invalidate()
