"""Admin pages for two-step verification (set up, verify, manage) and for lifting lock-outs."""

from __future__ import annotations

from base64 import b32encode

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.views.account import PasswordResetView as WagtailPasswordResetView

from accounts import audit
from accounts.forms import AuthenticatorCodeForm, VerificationCodeForm
from accounts.two_factor import (
    authenticator_confirm,
    authenticator_pending,
    authenticator_qr_data_uri,
    authenticator_start,
    recovery_codes_left,
    recovery_codes_renew,
    two_factor_enabled_for,
    two_factor_remove,
    two_factor_required_for,
    two_factor_verify,
)
from core.ratelimit import limit_reached


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("wagtailadmin_home")


@require_http_methods(["GET", "POST"])
def two_factor_verify_view(request: HttpRequest) -> HttpResponse:
    if not two_factor_enabled_for(request.user):
        return redirect(reverse("accounts_two_factor_setup"))
    form = VerificationCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor_verify(request=request, token=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _(
                "That code did not work. Check your device's clock, wait for the next code, or use a recovery code. After several wrong codes you must wait before trying again."
            ),
        )
    return TemplateResponse(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if two_factor_enabled_for(user) and not user.is_verified():
        # Replacing the app needs the old one (or a recovery code) first.
        return redirect(
            f"{reverse('accounts_two_factor_verify')}?next={reverse('accounts_two_factor_setup')}"
        )
    device = authenticator_pending(user=user) if request.method == "POST" else None
    if device is None:
        device = authenticator_start(user=user)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = authenticator_confirm(request=request, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            return TemplateResponse(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)}
            )
        form.add_error(
            "code", _("That code did not match. Check the time on your phone and try the next code.")
        )
    return TemplateResponse(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": authenticator_qr_data_uri(device),
            "secret": _base32_secret(device),
            "required": two_factor_required_for(user),
            "next": _next_url(request),
        },
    )


def _base32_secret(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


@require_http_methods(["GET", "POST"])
def two_factor_manage_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    enabled = two_factor_enabled_for(user)
    if request.method == "POST" and enabled:
        if request.POST.get("action") == "renew_codes":
            codes = recovery_codes_renew(user=user)
            audit.staff_event(request=request, user=user, action="accounts.recovery_codes_renewed")
            return TemplateResponse(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": reverse("accounts_two_factor")},
            )
        if request.POST.get("action") == "remove" and not two_factor_required_for(user):
            two_factor_remove(request=request, user=user)
            messages.success(request, _("Two-step verification is off for your account."))
            return redirect(reverse("accounts_two_factor"))
    return TemplateResponse(
        request,
        "accounts/two_factor_manage.html",
        {
            "enabled": enabled,
            "required": two_factor_required_for(user),
            "codes_left": recovery_codes_left(user=user) if enabled else 0,
        },
    )


def _superuser_only(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


def lockouts_view(request: HttpRequest) -> HttpResponse:
    """Every address and account with failed logins, the locked ones first, for a superuser to unlock."""
    _superuser_only(request)
    attempts = list(AccessAttempt.objects.order_by("-failures_since_start", "-attempt_time")[:500])
    limit = settings.AXES_FAILURE_LIMIT
    return TemplateResponse(
        request,
        "accounts/lockouts.html",
        {"attempts": attempts, "limit": limit, "cooloff_hours": settings.AXES_COOLOFF_TIME},
    )


@require_POST
def lockout_lift_view(request: HttpRequest) -> HttpResponse:
    _superuser_only(request)
    username = request.POST.get("username", "").strip()
    address = request.POST.get("address", "").strip()
    if username:
        axes_reset(username=username)
    if address:
        axes_reset(ip=address)
    if username or address:
        audit.staff_event(
            request=request,
            user=request.user,
            action="accounts.unlocked",
            data={"unlocked_username": username, "unlocked_address": address},
        )
        messages.success(request, _("The lock-out is lifted; the next login attempt is counted afresh."))
    return redirect(reverse("accounts_lockouts"))


class LimitedPasswordResetView(WagtailPasswordResetView):
    """Wagtail's password reset, limited per address and per email (core.ratelimit): one email per
    address per window at most, and the visitor is told to wait rather than silently ignored."""

    def form_valid(self, form):
        if limit_reached(self.request, scope="password_reset", email=form.cleaned_data.get("email", "")):
            form.add_error(
                None,
                _(
                    "A reset link was requested a moment ago. Please check your inbox, or wait ten minutes and try again."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
