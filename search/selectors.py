"""Read logic of the visitors' search page. The view calls these and renders; it never needs to
know which search backend is configured."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connections, router
from django.db.models import Exists, OuterRef
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from taggit.models import Tag
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.search.utils import normalise_query_string

from home.models import StoryPage, StoryRegionTag, StoryTopicTag
from search import vocabulary
from search.backends.base import ExactText
from search.highlight import excerpt
from text_analysis import MAX_QUERY_CHARS, analyze_query

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
    pages = Page.objects.live().filter(locale=locale, depth__gt=1)
    for path in restricted_paths():
        pages = pages.exclude(path__startswith=path)
    return pages.specific()


def restricted_paths() -> list[str]:
    """Tree paths of the pages with a view restriction (password, login, groups): they and their
    descendants are not public. What Wagtail's `.public()` excludes, read with one plain query:
    its ORM query with select_related and a Q per restriction cost ~1 ms per call, a tenth of a
    search's CPU, and a search page builds the filter twice (results, "did you mean")."""
    connection = connections[router.db_for_read(PageViewRestriction)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.path FROM {PageViewRestriction._meta.db_table} r "
            f"JOIN {Page._meta.db_table} p ON p.id = r.page_id"
        )
        return [path for (path,) in cursor.fetchall()]


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


def did_you_mean(*, query: str, locale: Locale, results) -> str:
    """The query as the index writes it ('did you mean'), when the visitor's words were read or
    corrected (しゅうろう -> 就労, refugess -> refugees), that reading found pages, and the query
    as typed finds none. '' otherwise.

    `results`: what site_search() returned for `query`. The check as typed costs one more
    search, only for queries that were read or corrected.
    """
    suggestion = vocabulary.plan(query).suggestion() if query else ""
    # (site_search returns a plain [] when nothing was searchable; a search's truth value would
    # fetch every result, so only its count is asked.)
    if not suggestion or suggestion == query or isinstance(results, list) or results.count() == 0:
        return ""
    if public_pages(locale=locale).search(ExactText(query, operator="and")).count():
        return ""
    return suggestion


def stories_tagged(*, tag: str, locale: Locale):
    stories = StoryPage.objects.live().public().filter(locale=locale)
    return stories.filter(region_tags__slug=tag) | stories.filter(topic_tags__slug=tag)


@dataclass(frozen=True)
class TagChoices:
    regions: list[Tag] = field(default_factory=list)
    topics: list[Tag] = field(default_factory=list)


@dataclass(frozen=True)
class CardTag:
    name: str
    slug: str


@dataclass(frozen=True)
class ResultCard:
    page: Page
    excerpt: SafeString
    tags: list[CardTag]


def result_cards(pages: Iterable[Page], *, query: str) -> list[ResultCard]:
    """What each result shows: the page, an excerpt with the query's words marked, its tags."""
    pages = list(pages)
    tags = story_card_tags(story_ids=[page.pk for page in pages if isinstance(page, StoryPage)])
    texts = page_texts(pages)
    return [
        ResultCard(page=page, excerpt=excerpt(text, query), tags=tags.get(page.pk, []))
        for page, text in zip(pages, texts, strict=True)
    ]


# Readable page text changes only when the page is published again (the key holds the time).
PAGE_TEXT_CACHE_SECONDS = 24 * 60 * 60


def page_texts(pages: list[Page]) -> list[str]:
    """page_text() of each page, through the cache: reading a StreamField's blocks and stripping
    their HTML was a third of a results page's excerpt work, and popular results repeat."""
    keys = [
        f"search:page-text:{page.pk}:{page.last_published_at and page.last_published_at.timestamp()}"
        for page in pages
    ]
    cached = cache.get_many(keys)
    missing = {key: page_text(page) for key, page in zip(keys, pages, strict=True) if key not in cached}
    if missing:
        cache.set_many(missing, PAGE_TEXT_CACHE_SECONDS)
    return [cached[key] if key in cached else missing[key] for key in keys]


def story_card_tags(*, story_ids: list[int]) -> dict[int, list[CardTag]]:
    """Each story's region tags, then topic tags, in two small queries.

    Read from the tagging tables: prefetching through taggit's managers built (and discarded) a
    filtered queryset per story and manager, 20 per results page, 15 ms of a 70 ms page.
    """
    tags: dict[int, list[CardTag]] = {story_id: [] for story_id in story_ids}
    if not story_ids:
        return tags
    for through in (StoryRegionTag, StoryTopicTag):
        rows = (
            through.objects.filter(content_object_id__in=story_ids)
            .order_by("tag__name")
            .values_list("content_object_id", "tag__name", "tag__slug")
        )
        for story_id, name, slug in rows:
            tags[story_id].append(CardTag(name=name, slug=slug))
    return tags


# The filter's tag lists change only when stories or their tags do (search/signals.py forgets
# them then); the timeout bounds staleness from bulk updates that send no signals.
FILTER_TAGS_CACHE_SECONDS = 300


def filter_tags_cache_key(locale_id: int) -> str:
    return f"search:filter-tags:{locale_id}"


def filter_tags(*, locale: Locale) -> TagChoices:
    """The region and topic tags used by this language's live stories, for the filter."""
    key = filter_tags_cache_key(locale.pk)
    choices = cache.get(key)
    if choices is None:
        choices = _filter_tags(locale=locale)
        cache.set(key, choices, FILTER_TAGS_CACHE_SECONDS)
    return choices


def _filter_tags(*, locale: Locale) -> TagChoices:
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
    if not query_may_be_recorded(normalised):
        # Not counted (an email, a phone number, a very long paste): read the picks without a row.
        found = Query.objects.filter(query_string=normalised).first()
        return list(found.editors_picks.select_related("page")) if found else []
    search_query = Query.get(normalised)
    search_query.add_hit()
    return list(search_query.editors_picks.select_related("page"))


#: The search-terms report counts what visitors look for; what looks like a person is not kept.
MAX_RECORDED_QUERY_CHARS = 60
_PERSONAL_LOOKING = re.compile(r"@|\d[\d\- ]{5,}\d")


def query_may_be_recorded(normalised: str) -> bool:
    """Short topic words are counted; emails, phone or card numbers and long pastes are not.

    Counted queries are pruned with their daily hits (crm.schedule's search-terms prune, after
    WAGTAILSEARCH_HITS_MAX_AGE days), so even a name typed into the box is not kept for ever.
    """
    return len(normalised) <= MAX_RECORDED_QUERY_CHARS and not _PERSONAL_LOOKING.search(normalised)


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
    # Rich text arrives as plain text already; parsing it for tags again doubled the cost.
    texts = (str(item) for item in content if item)
    return [strip_tags(text) if "<" in text else text for text in texts]
