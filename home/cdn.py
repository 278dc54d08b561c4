"""Purging a CDN in front of the site (Wagtail's frontend_cache; configured in cms/settings/base.py).

Wagtail purges the URL of a page that is published or unpublished. A page also shows what other
things hold: the campaign page shows snippets, partner companies, story teasers and the menu; the
story index lists the stories. So whenever the page cache starts a new generation for a content
change, the pages that gather others (every language's campaign page and story index) are purged
too. Gifts moving the live member counter are not purged (at 200 gifts a second that would be a
purge storm): the CDN keeps such a page for at most CDN_MAX_AGE seconds.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction


def cdn_in_front() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def purge_published_page(sender, instance, **kwargs) -> None:
    """Wagtail's own receiver, only when a CDN is configured.

    frontend_cache connects a receiver to every publish and unpublish that queues a purge task even
    when no CDN is configured (the `make run` default and most installs): a background task per
    publish that does nothing. home/apps.py puts this one in its place.
    """
    if cdn_in_front():
        from wagtail.contrib.frontend_cache.utils import purge_page_from_cache

        purge_page_from_cache(instance)


def purge_gathering_pages(sender=None, **kwargs) -> None:
    if not cdn_in_front():
        return
    transaction.on_commit(_purge_gathering_pages)


def _purge_gathering_pages() -> None:
    from wagtail.contrib.frontend_cache.utils import purge_pages_from_cache

    from home.models import HomePage, StoryIndexPage

    pages = [*HomePage.objects.live(), *StoryIndexPage.objects.live()]
    if pages:
        purge_pages_from_cache(pages)
