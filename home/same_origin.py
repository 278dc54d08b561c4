"""Forms on cached pages are protected by where the POST comes from, not by a per-visitor token.

The donation and newsletter forms sit on pages the shared cache hands to everyone (home/cache.py), so
they cannot carry a CSRF token tied to one visitor's cookie. Instead, as OWASP's CSRF cheat sheet
describes ("verifying origin with standard headers", with Fetch Metadata): a POST is accepted only
when the browser says it comes from this very site. Browsers set these headers themselves; a page on
another site cannot forge them.

1. ``Sec-Fetch-Site`` (every current browser): must be ``same-origin``.
2. Otherwise ``Origin`` (sent with every cross-origin POST and most same-origin ones), or failing that
   the origin of ``Referer``: must be this site's own origin, or one of CSRF_TRUSTED_ORIGINS.
3. A POST with none of them is refused: an old or stripped client can use a fresh page load instead.

Django's test client skips CSRF checks unless asked (``Client(enforce_csrf_checks=True)``); this
check honours the same switch, exactly as CsrfViewMiddleware does.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def request_origin(request: HttpRequest) -> str:
    scheme = "https" if request.is_secure() else "http"
    return f"{scheme}://{request.get_host()}"


def is_same_origin(request: HttpRequest) -> bool:
    """True when the browser tells us the request was sent by a page of this site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        referer = urlsplit(request.headers.get("Referer", ""))
        origin = f"{referer.scheme}://{referer.netloc}" if referer.scheme and referer.netloc else None
    if origin is None:
        return False
    return origin == request_origin(request) or origin in settings.CSRF_TRUSTED_ORIGINS


def same_origin_post(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Replace Django's token check by the origin check above, for views whose form pages are cached."""

    @csrf_exempt
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        enforced = not getattr(request, "_dont_enforce_csrf_checks", False)
        if request.method in UNSAFE_METHODS and enforced and not is_same_origin(request):
            return HttpResponseForbidden(
                _("This form can only be sent from this website. Please reload the page and try again."),
                content_type="text/plain; charset=utf-8",
            )
        return view(request, *args, **kwargs)

    return checked
