"""Two-step verification for staff: an authenticator app (TOTP) plus single-use recovery codes.

Built on django-otp: a TOTPDevice holds the app's secret, a StaticDevice holds the recovery codes
(each works once). Throttling after wrong codes is django-otp's own. Who must use it is decided here:
superusers and the groups in TWO_FACTOR_REQUIRED_GROUPS (Fundraising), when TWO_FACTOR_REQUIRED is on.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_CODES_NAME = "recovery codes"


def two_factor_required_for(user: AbstractBaseUser) -> bool:
    """Whether this staff member may not use the admin until two-step verification is set up."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=settings.TWO_FACTOR_REQUIRED_GROUPS).exists()


def two_factor_enabled_for(user: AbstractBaseUser) -> bool:
    return user_has_device(user, confirmed=True)


def authenticator_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """A fresh, unconfirmed authenticator secret for the setup page (replacing an abandoned one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def authenticator_pending(*, user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def authenticator_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// link as an SVG QR code in a data: URI (drawn here: nothing leaves the site)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def authenticator_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the app by a first code. Returns the new recovery codes, or None if the code was wrong.

    On success any earlier authenticator is replaced and this session counts as verified."""
    user = request.user
    if device.user_id != user.pk or not device.verify_token(token.strip()):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_renew(user=user)
    otp_login(request, device)
    audit.staff_event(request=request, user=user, action="accounts.two_factor_enabled")
    return codes


def recovery_codes_renew(*, user: AbstractBaseUser) -> list[str]:
    """Replace every recovery code of the user with new ones; the old ones stop working."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_CODES_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(*, user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a code from the app, or a recovery code (used up), and mark the session verified."""
    user = request.user
    token = token.strip().replace(" ", "")
    devices: list[TOTPDevice | StaticDevice] = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    for device in devices:
        with transaction.atomic():
            # Re-read under a row lock so two parallel guesses cannot both slip past the throttle.
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(token):
                otp_login(request, locked)
                used = "recovery_code" if isinstance(locked, StaticDevice) else "authenticator"
                audit.staff_event(
                    request=request, user=user, action="accounts.two_factor_verified", data={"with": used}
                )
                return True
    audit.staff_event(request=request, user=user, action="accounts.two_factor_failed")
    return False


def two_factor_remove(*, request: HttpRequest, user: AbstractBaseUser) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    audit.staff_event(request=request, user=user, action="accounts.two_factor_removed")
