"""Forget the search filter's cached tag lists when stories, their tags or page privacy change."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import Locale, PageViewRestriction

from home.models import StoryPage, StoryRegionTag, StoryTopicTag
from search.selectors import filter_tags_cache_key


def forget_filter_tags(**_kwargs) -> None:
    # A handful of locales: forgetting them all is cheaper than working out which one changed.
    cache.delete_many(
        [filter_tags_cache_key(locale_id) for locale_id in Locale.objects.values_list("pk", flat=True)]
    )


def connect() -> None:
    for model in (StoryPage, StoryRegionTag, StoryTopicTag, PageViewRestriction):
        for signal in (post_save, post_delete):
            signal.connect(
                forget_filter_tags, sender=model, dispatch_uid=f"search-filter-tags-{model.__name__}"
            )
