"""Read logic of the visitors' search page. The view calls these and renders; it never needs to
know which search backend is configured."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.utils.html import strip_tags
from taggit.models import Tag
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Locale, Page
from wagtail.search.utils import normalise_query_string

from home.models import StoryPage, StoryRegionTag, StoryTopicTag
from search.analysis import MAX_QUERY_CHARS, analyze_query

# What a visitor may type and we still look at; the rest is dropped before anything else runs.
MAX_INPUT_CHARS = 1000


def clean_query(raw: str | None) -> str:
    """The visitor's input, truncated and with control characters removed; '' if nothing is left."""
    if not raw:
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in raw[:MAX_INPUT_CHARS])
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def public_pages(*, locale: Locale):
    # specific(): result cards need each page type's own fields (a story's tags and date).
    return Page.objects.live().public().filter(locale=locale, depth__gt=1).specific()


def site_search(*, query: str, locale: Locale, tag: str = ""):
    """Pages of one language matching `query`, best first.

    All words must match; when that finds nothing (a long natural-language question), any word
    may match, still ranked by relevance.
    """
    pages = public_pages(locale=locale)
    if tag:
        pages = pages.filter(id__in=list(stories_tagged(tag=tag, locale=locale).values_list("id", flat=True)))
    if not analyze_query(query):
        return []
    results = pages.search(query, operator="and")
    if results.count() == 0 and len(analyze_query(query).split()) > 1:
        results = pages.search(query, operator="or")
    return results


def stories_tagged(*, tag: str, locale: Locale):
    stories = StoryPage.objects.live().public().filter(locale=locale)
    return stories.filter(region_tags__slug=tag) | stories.filter(topic_tags__slug=tag)


@dataclass(frozen=True)
class TagChoices:
    regions: list[Tag] = field(default_factory=list)
    topics: list[Tag] = field(default_factory=list)


def prefetch_result_cards(pages: Iterable[Page]) -> list[Page]:
    """The page's results with what their cards show (a story's tags) loaded in two queries."""
    pages = list(pages)
    prefetch_related_objects(
        [page for page in pages if isinstance(page, StoryPage)], "region_tags", "topic_tags"
    )
    return pages


def filter_tags(*, locale: Locale) -> TagChoices:
    """The region and topic tags used by this language's live stories, for the filter."""
    stories = StoryPage.objects.live().public().filter(locale=locale)

    def used(through) -> list[Tag]:
        # From the (small) tagging table, each row checked by primary key: `tag__in=<all
        # stories>` made the database list every story of the language first (50 ms each).
        tagged = through.objects.filter(Exists(stories.filter(pk=OuterRef("content_object_id"))))
        return list(Tag.objects.filter(id__in=tagged.values("tag_id")).order_by("name"))

    return TagChoices(regions=used(StoryRegionTag), topics=used(StoryTopicTag))


def suggested_stories(*, locale: Locale, limit: int = 3) -> list[StoryPage]:
    """Shown when nothing matched: the newest stories, so the visit doesn't end on a blank page."""
    return list(StoryPage.objects.live().public().filter(locale=locale).order_by("-date", "-pk")[:limit])


def promotions(*, query: str) -> list[SearchPromotion]:
    """Editors' picks for this query (Wagtail search promotions), counting the search as a hit."""
    if not query:
        return []
    normalised = normalise_query_string(query)
    if not normalised:
        return []
    search_query = Query.get(normalised)
    search_query.add_hit()
    return list(search_query.editors_picks.select_related("page"))


def title_suggestions(*, query: str, locale: Locale, limit: int = 8) -> list[dict[str, str]]:
    """Story titles for autocomplete: prefix match on the analysed title words."""
    if not analyze_query(query):
        return []
    stories = StoryPage.objects.live().public().filter(locale=locale)
    return [{"title": story.title, "url": story.url} for story in stories.autocomplete(query)[:limit]]


def page_text(page: Page) -> str:
    """The readable text of a page for its excerpt: intro first, then the body's blocks."""
    parts: list[str] = []
    for attribute in ("intro", "search_description"):
        value = getattr(page, attribute, "")
        if value:
            parts.append(str(value))
            break
    body = getattr(page, "body", None)
    if body is not None:
        for child in body:
            parts.extend(_block_text(child))
    after_story = getattr(page, "after_story", "")
    if after_story:
        parts.append(strip_tags(str(after_story)))
    return " ".join(parts)


def _block_text(child) -> Iterable[str]:
    try:
        content = child.block.get_searchable_content(child.value)
    except Exception:
        return []
    return [strip_tags(str(item)) for item in content if item]
