"""A deploy check: no active staff account may still use a password published in the README."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import checks
from django.db import DatabaseError


def published_password_in_use(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.PUBLISHED_DEMO_PASSWORDS:
        return []
    User = get_user_model()
    try:
        staff = list(User._default_manager.filter(is_active=True, is_staff=True)[:200]) + list(
            User._default_manager.filter(is_active=True, is_superuser=True, is_staff=False)[:200]
        )
    except DatabaseError:
        # No schema yet (a fresh database before migrate): no account can exist either.
        return []
    offenders = [
        user.get_username()
        for user in staff
        if any(user.check_password(password) for password in settings.PUBLISHED_DEMO_PASSWORDS)
    ]
    if not offenders:
        return []
    return [
        checks.Error(
            f"Staff account(s) {', '.join(sorted(offenders))} use the demo password published in the README.",
            hint="Set a new password (manage.py changepassword NAME) or deactivate the account.",
            id="accounts.E001",
        )
    ]


def register() -> None:
    checks.register(published_password_in_use, checks.Tags.security, deploy=True)
