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

from home import cache as page_cache
from home.same_origin import same_origin_post


@same_origin_post
def campaign_page(request):
    """The root URL of each language: the campaign page, offered to the shared page cache."""
    return _offered(request, wagtail_serve(request, ""))


def _offered(request, response):
    """Offer a plain render of a public page type to the page cache (home/middleware.py).

    Only the page's own template: not a password form, a login redirect or a POST's answer.
    """
    if request.method != "GET" or response.status_code != 200 or not hasattr(response, "context_data"):
        return response
    page = (response.context_data or {}).get("page")
    reads = page_cache.QUERY_PARAMETERS.get(page._meta.label) if page is not None else None
    if reads is not None and response.template_name == page.get_template(request):
        page_cache.offer(response, reads)
    return response


@same_origin_post
def page(request, path: str):
    """Wagtail's page router, answering an unknown address with the designed 404 page.

    Django shows its technical 404 instead of ``handler404`` while DEBUG is on, so without this a
    developer running `make run` never sees what visitors see.
    """
    try:
        return _offered(request, wagtail_serve(request, path))
    except Http404:
        return page_not_found(request)


def page_not_found(request, exception=None):
    # The same for every visitor of an address, so a flood of one missing address costs no queries.
    return page_cache.offer(render(request, "404.html", status=404), ())


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
