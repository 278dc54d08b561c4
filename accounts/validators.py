"""Password validator: the demo admin's password is in the README, so it may never be chosen."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class PublishedPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if password in settings.PUBLISHED_DEMO_PASSWORDS:
            raise ValidationError(
                _("This password is published in the project's documentation. Choose another one."),
                code="password_published",
            )

    def get_help_text(self) -> str:
        return _("Your password can't be a password published in the project's documentation.")
