"""Typed schema of every environment variable the project reads.

Settings modules read the environment only through `load_env()`, so the whole surface an
operator can configure is listed here, with its type and default, in one place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be a boolean (true/false), got {raw!r}")


def _list(name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True, kw_only=True)
class Env:
    secret_key: str = ""
    allowed_hosts: tuple[str, ...] = ()
    csrf_trusted_origins: tuple[str, ...] = ()
    database_url: str = ""
    redis_url: str = ""
    elasticsearch_url: str = ""
    base_url: str = "http://127.0.0.1:8000"
    email_url: str = ""
    default_from_email: str = "WELgee <no-reply@example.org>"
    secure_ssl_redirect: bool = True
    stripe_secret_key: str = ""
    stripe_publishable_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""
    mailchimp_api_key: str = ""
    mailchimp_audience_id: str = ""
    mailchimp_api_url: str = ""
    mailchimp_webhook_secret: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def load_env() -> Env:
    return Env(
        secret_key=_str("SECRET_KEY"),
        allowed_hosts=_list("ALLOWED_HOSTS"),
        csrf_trusted_origins=_list("CSRF_TRUSTED_ORIGINS"),
        database_url=_str("DATABASE_URL"),
        redis_url=_str("REDIS_URL"),
        elasticsearch_url=_str("ELASTICSEARCH_URL"),
        base_url=_str("BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        email_url=_str("EMAIL_URL"),
        default_from_email=_str("DEFAULT_FROM_EMAIL", "WELgee <no-reply@example.org>"),
        secure_ssl_redirect=_bool("SECURE_SSL_REDIRECT", True),
        stripe_secret_key=_str("STRIPE_SECRET_KEY"),
        stripe_publishable_key=_str("STRIPE_PUBLISHABLE_KEY"),
        stripe_webhook_secret=_str("STRIPE_WEBHOOK_SECRET"),
        stripe_api_base=_str("STRIPE_API_BASE"),
        mailchimp_api_key=_str("MAILCHIMP_API_KEY"),
        mailchimp_audience_id=_str("MAILCHIMP_AUDIENCE_ID"),
        mailchimp_api_url=_str("MAILCHIMP_API_URL"),
        mailchimp_webhook_secret=_str("MAILCHIMP_WEBHOOK_SECRET"),
    )
