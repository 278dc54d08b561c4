"""Login, logout and failed logins into the audit log (connected in AccountsConfig.ready)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from accounts import audit
from accounts.middleware import LAST_SEEN_SESSION_KEY


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        # The idle clock starts at login, so the first admin page does not have to save the session.
        session[LAST_SEEN_SESSION_KEY] = int(time.time())
    audit.staff_event(request=request, user=user, action="accounts.login")


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.staff_event(request=request, user=user, action="accounts.logout")


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    User = get_user_model()
    username = credentials.get(User.USERNAME_FIELD) or credentials.get("username") or ""
    target = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    if target is None:
        # An unknown name has no user to hang the entry on; django-axes still counts the attempt
        # against the address (see the lock-outs report).
        return
    audit.staff_event(request=request, user=None, instance=target, action="accounts.login_failed")


def connect() -> None:
    # Each with its sender: Django sends the first two from the user's class and the failed login
    # from django.contrib.auth by module name (the very string object, so the sender matches).
    User = get_user_model()
    user_logged_in.connect(_logged_in, sender=User, dispatch_uid="accounts.audit.login")
    user_logged_out.connect(_logged_out, sender=User, dispatch_uid="accounts.audit.logout")
    user_login_failed.connect(_login_failed, sender=auth.__name__, dispatch_uid="accounts.audit.login_failed")
