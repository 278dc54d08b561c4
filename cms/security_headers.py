"""Browser security headers on every response: Content-Security-Policy and Permissions-Policy.

Django's own ContentSecurityPolicyMiddleware writes the header from SECURE_CSP. Here it is extended
in two ways that a single settings dict cannot express:
- the admin gets its own policy (SECURE_CSP_ADMIN): Wagtail's admin still relies on inline styles
  and a few inline scripts, which the public site never needs;
- the Checkout page a donation form redirects to is allowed as a form target: Chromium applies
  form-action to the redirect after a POST, and STRIPE_API_BASE (a local fake in tests) moves it.
It sits before the campaign-page cache so cached pages get the headers too. Public templates carry
no inline script, style or event handler, so their policy needs no nonce (and a cached page cannot
carry a stale one).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.urls import reverse


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _with_checkout(policy: dict[str, list[str]]) -> dict[str, list[str]]:
    extra = [_origin(settings.STRIPE_API_BASE)] if settings.STRIPE_API_BASE else []
    extra = [origin for origin in extra if origin and origin not in policy.get("form-action", [])]
    if not extra:
        return policy
    return {**policy, "form-action": [*policy.get("form-action", []), *extra]}


class SecurityHeadersMiddleware(ContentSecurityPolicyMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not hasattr(response, "_csp_config"):
            is_admin = request.path_info.startswith(reverse("wagtailadmin_home"))
            response._csp_config = _with_checkout(
                settings.SECURE_CSP_ADMIN if is_admin else settings.SECURE_CSP
            )
        response = super().process_response(request, response)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response.headers["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response
