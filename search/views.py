"""The visitors' search page, /search/ (Japanese) and /en/search/ (English).

`?query=` searches; `?tag=` narrows to stories with that region or topic tag; `?page=` pages;
`?autocomplete=1` answers JSON story-title suggestions for the search box's script.
"""

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from wagtail.models import Locale

from home.cache import SEARCH_PARAMETERS, public_view
from search import selectors

RESULTS_PER_PAGE = 10


@public_view(reads=SEARCH_PARAMETERS)
def search(request):
    query = selectors.clean_query(request.GET.get("query"))
    tag = selectors.clean_query(request.GET.get("tag"))[:100]
    locale = Locale.get_active()

    if request.GET.get("autocomplete"):
        suggestions = selectors.title_suggestions(query=query, locale=locale)
        return JsonResponse({"query": query, "suggestions": suggestions})

    results = selectors.site_search(query=query, locale=locale, tag=tag) if query or tag else []
    if tag and not query:
        results = list(selectors.stories_tagged(tag=tag, locale=locale).order_by("-date", "-pk"))
    paginator = Paginator(results, RESULTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    hits = selectors.result_cards(page, query=query)
    did_you_mean = selectors.did_you_mean(query=query, locale=locale, results=results) if query else ""

    context = {
        "search_query": query,
        "did_you_mean": did_you_mean,
        "did_you_mean_url": f"{reverse('search')}?{urlencode({'query': did_you_mean})}"
        if did_you_mean
        else "",
        "tag": tag,
        "hits": hits,
        "page_obj": page,
        "paginator": paginator,
        "promotions": selectors.promotions(query=query) if page.number == 1 else [],
        "tags": selectors.filter_tags(locale=locale),
        "suggestions": selectors.suggested_stories(locale=locale) if (query or tag) and not hits else [],
    }
    return render(request, "search/search.html", context)
