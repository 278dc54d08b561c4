"""Staff actions in Wagtail's audit log ("Reports → Site history" and each user's history).

Every login, failed login, two-step verification event and unlock is a ModelLogEntry on the staff
user it concerns, with who did it, when, and from which address. Other apps record their sensitive
actions (exports, erasures, merges) through `staff_event` too, so they all land in the same place.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.log_actions import log

from core.client_address import client_address

# action → (label shown in the filter, message shown in the log)
STAFF_LOG_ACTIONS: dict[str, tuple[Any, Any]] = {
    "accounts.login": (_("Staff login"), _("Logged in")),
    "accounts.login_failed": (_("Failed staff login"), _("Failed login (wrong password or locked out)")),
    "accounts.logout": (_("Staff logout"), pgettext_lazy("audit log", "Logged out")),
    "accounts.two_factor_enabled": (_("Two-step verification set up"), _("Set up two-step verification")),
    "accounts.two_factor_verified": (_("Two-step verification passed"), _("Passed two-step verification")),
    "accounts.two_factor_failed": (_("Two-step verification failed"), _("Entered a wrong verification code")),
    "accounts.two_factor_removed": (_("Two-step verification removed"), _("Removed two-step verification")),
    "accounts.recovery_codes_renewed": (_("Recovery codes renewed"), _("Made new recovery codes")),
    "accounts.unlocked": (_("Lock-out lifted"), _("Lifted a login lock-out")),
}


def staff_event(
    *,
    request: HttpRequest | None,
    user: Any,
    action: str,
    instance: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Record `action` by `user` (None: nobody logged in) on `instance` (default: the user itself).

    The client address is kept so a security review can tell where a login came from; nothing else
    about the request is stored."""
    entry_data = dict(data or {})
    if request is not None:
        entry_data.setdefault("address", client_address(request))
    acting_user = user if user is not None and getattr(user, "is_authenticated", False) else None
    if isinstance(acting_user, LazyObject):
        # request.user arrives wrapped twice (auth, then django-otp); Wagtail's log registry only
        # unwraps once and would then find no log model for it.
        acting_user = get_user_model()._default_manager.get(pk=acting_user.pk)
        user = acting_user
    log(instance=instance if instance is not None else user, action=action, user=acting_user, data=entry_data)
