from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.views import serve as wagtail_serve

from home import cache as campaign_cache
from home.models import HomePage


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
    if response.status_code != 200 or not hasattr(response, "context_data"):
        return False
    page = (response.context_data or {}).get("page")
    return isinstance(page, HomePage) and response.template_name == page.get_template(request)


def page(request, path: str):
    """Wagtail's page router, answering an unknown address with the designed 404 page.

    Django shows its technical 404 instead of ``handler404`` while DEBUG is on, so without this a
    developer running `make run` never sees what visitors see.
    """
    try:
        return wagtail_serve(request, path)
    except Http404:
        return page_not_found(request)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    """Crawlers may read the public site; the admin and the giving round-trips are not for them."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            lines += [f"Disallow: {reverse('manage_gift')}", f"Disallow: {reverse('donation_success')}"]
    lines.append(f"Sitemap: {settings.WAGTAILADMIN_BASE_URL}{reverse('sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request):
    # Browsers ask for /favicon.ico whatever the page says; the icon itself is a static file.
    return HttpResponsePermanentRedirect(static("home/favicon.ico"))


def server_error(request):
    # No context processors and no database: whatever broke may be the database itself.
    english = request.path.startswith("/en/")
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"english": english}))
