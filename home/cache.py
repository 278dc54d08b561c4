"""Whole-page cache of the campaign page, per host and language.

The campaign page is the site's busiest page and changes only when editors publish, so anonymous
visitors get the stored HTML without a single database query. Any publish, save or delete of
something the page can show moves the cache to a new generation instead of hunting down keys;
home/apps.py connects these receivers to exactly those models.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation

from home import live_figures

GENERATION_KEY = "home:campaign:generation"


def timeout() -> int:
    # Bounded so a live member count from the CRM refreshes without any publish.
    return getattr(settings, "CAMPAIGN_PAGE_CACHE_SECONDS", 300)


def is_cacheable(request: HttpRequest) -> bool:
    """Only clean anonymous GETs: a session may carry a login, messages or a preview."""
    if request.method != "GET":
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return not request.GET.get("preview")


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.add(GENERATION_KEY, generation, None)
        generation = cache.get(GENERATION_KEY, generation)
    return generation


def key_for(request: HttpRequest) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"home:campaign:{_generation()}:{request.get_host()}:{language}"


def response_key_for(request: HttpRequest, language: str) -> str:
    """Key of the whole stored response (body and headers), for the middleware in front of the stack.

    The middleware runs before LocaleMiddleware, so the language comes from the path, not from
    the active translation; the generation is shared with the view's cache, so one publish
    invalidates both.
    """
    return f"home:campaign-response:{_generation()}:{request.get_host()}:{language}"


def get(request: HttpRequest) -> bytes | None:
    return cache.get(key_for(request))


def store(request: HttpRequest, content: bytes) -> None:
    cache.set(key_for(request), content, timeout())


def invalidate() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def on_content_change(sender, **kwargs) -> None:
    """A page, snippet, image, site or partner company the campaign page shows was saved or deleted."""
    invalidate()


def on_membership_change(sender, **kwargs) -> None:
    """A membership or gift changed: the live member counter moves, after the write commits.

    After commit, so no reader caches the old count between our write and its commit.
    """
    transaction.on_commit(_membership_changed)


def _membership_changed() -> None:
    live_figures.member_count_forget()
    invalidate()
