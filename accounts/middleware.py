"""Staff-session middleware: two-step verification before the admin, and the idle time-out."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.two_factor import two_factor_enabled_for, two_factor_required_for

# Admin pages a staff member must reach before verifying: logging in and out, the verification and
# setup pages themselves, and the static bits those pages load.
UNVERIFIED_URL_NAMES = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "accounts_two_factor_verify",
        "accounts_two_factor_setup",
    }
)
LAST_SEEN_SESSION_KEY = "accounts_last_seen"


class StaffTwoFactorMiddleware:
    """After django-otp's OTPMiddleware: in the admin, a staff member who has two-step verification
    must pass it each session, and one for whom it is required must set it up first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or not request.path_info.startswith(reverse("wagtailadmin_home")):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in UNVERIFIED_URL_NAMES:
            return None
        if user.is_verified():
            return None
        next_query = urlencode({"next": request.get_full_path()})
        if two_factor_enabled_for(user):
            return redirect(f"{reverse('accounts_two_factor_verify')}?{next_query}")
        if two_factor_required_for(user):
            return redirect(f"{reverse('accounts_two_factor_setup')}?{next_query}")
        return None


class StaffIdleTimeoutMiddleware:
    """Logs a staff member out after STAFF_IDLE_TIMEOUT seconds without a request.

    SESSION_COOKIE_AGE caps a session's whole life; this ends the forgotten open tab sooner. The time
    stamp is written at most once a minute so browsing does not save the session on every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
            if isinstance(last_seen, int) and now - last_seen > settings.STAFF_IDLE_TIMEOUT:
                logout(request)
            elif not isinstance(last_seen, int) or now - last_seen >= 60:
                request.session[LAST_SEEN_SESSION_KEY] = now
        return self.get_response(request)
