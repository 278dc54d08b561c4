from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from wagtail.views import serve as wagtail_serve

from home import cache as campaign_cache


def campaign_page(request):
    """The root URL of each language: served from the whole-page cache when possible."""
    cacheable = campaign_cache.is_cacheable(request)
    if cacheable:
        content = campaign_cache.get(request)
        if content is not None:
            response = HttpResponse(content, content_type="text/html; charset=utf-8")
            response["X-Campaign-Cache"] = "hit"
            return response

    response = wagtail_serve(request, "")
    if cacheable and _is_plain_campaign_render(request, response):
        response.render()
        campaign_cache.store(request, response.content)
        response["X-Campaign-Cache"] = "miss"
    return response


def _is_plain_campaign_render(request, response) -> bool:
    # Only the campaign template itself: not a password form, a redirect or another page type.
    from home.models import HomePage

    if response.status_code != 200 or not hasattr(response, "context_data"):
        return False
    page = (response.context_data or {}).get("page")
    return isinstance(page, HomePage) and response.template_name == page.get_template(request)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors and no database: whatever broke may be the database itself.
    english = request.path.startswith("/en/")
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"english": english}))
