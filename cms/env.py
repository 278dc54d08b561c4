"""Typed schema of every environment variable the project reads.

Settings modules read the environment only through `load_env()`, so the whole surface an
operator can configure is listed here, with its type and default, in one place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


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


def _optional_bool(name: str) -> bool | None:
    raw = os.environ.get(name)
    return None if raw is None or raw.strip() == "" else _bool(name)


def _int(name: str, default: int | None = None) -> int | None:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None


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
    # Production sends through a local relay unless told otherwise, as Django itself does.
    email_url: str = "smtp://localhost:25"
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
    # How many proxies in front of the site append to X-Forwarded-For; None: the settings module
    # decides (0 in development, 1 in production, which sits behind one TLS proxy).
    trusted_proxy_count: int | None = None
    # Staff two-factor authentication (TOTP) is required for superusers and fundraisers.
    two_factor_required: bool | None = None
    # "json" (one object per line, for a log collector) or "plain" (for a terminal).
    log_format: str = ""
    sentry_dsn: str = ""
    sentry_environment: str = ""
    sentry_traces_sample_rate: float = 0.0
    # Media: served by the site from MEDIA_ROOT (a volume web and worker share) unless an
    # S3-compatible bucket is configured; SERVE_MEDIA=false hands /media/ to the proxy in front.
    serve_media: bool = True
    media_s3_bucket: str = ""
    media_s3_endpoint_url: str = ""
    media_s3_region: str = ""
    media_s3_access_key_id: str = ""
    media_s3_secret_access_key: str = ""
    media_s3_custom_domain: str = ""
    # Files only the site reads (donor lists waiting for import): a directory web and worker share.
    private_media_root: str = ""
    # What is deployed (a git sha or a release tag): part of the page cache key, so a new release never
    # serves a page rendered by the old templates. Empty: the checkout's git commit, if there is one.
    release_id: str = ""
    # A CDN in front of the site, purged when pages change (docs/deploy.md "CDN"): a Cloudflare zone
    # with an API token, a CloudFront distribution, or plain HTTP PURGE to a cache such as Varnish.
    cdn_cloudflare_zone_id: str = ""
    cdn_cloudflare_bearer_token: str = ""
    cdn_cloudfront_distribution_id: str = ""
    cdn_purge_url: str = ""
    # Seconds a CDN (s-maxage) may keep a public page; 0 keeps it out of shared caches.
    cdn_max_age: int = 0
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class EmailConfig:
    """One mailer, parsed from EMAIL_URL; `as_mailer()` gives a Django 6.1 `MAILERS` entry."""

    backend: str
    host: str = ""
    port: int | None = None
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    timeout: int | None = None

    def as_mailer(self) -> dict[str, object]:
        if self.backend != _SMTP_BACKEND:
            return {"BACKEND": self.backend}
        options: dict[str, object] = {"host": self.host, "use_tls": self.use_tls, "use_ssl": self.use_ssl}
        if self.port is not None:
            options["port"] = self.port
        if self.user:
            options["username"] = self.user
            options["password"] = self.password
        if self.timeout is not None:
            options["timeout"] = self.timeout
        return {"BACKEND": self.backend, "OPTIONS": options}


_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_EMAIL_SCHEMES = {
    "smtp": _SMTP_BACKEND,
    "smtps": _SMTP_BACKEND,
    "submission": _SMTP_BACKEND,
    "console": "django.core.mail.backends.console.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def parse_email_url(url: str) -> EmailConfig:
    """Parse `smtp://user:pass@host:port`, `smtps://…` (implicit TLS), `submission://…` (STARTTLS on
    587 by default) or `console://`. Query flags `?tls=1`, `?ssl=1`, `?timeout=10` override.
    User and password are percent-decoded so an API key with `@` or `/` can be written escaped."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _EMAIL_SCHEMES:
        raise ValueError(f"EMAIL_URL scheme must be one of {sorted(_EMAIL_SCHEMES)}, got {scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}

    def flag(name: str, default: bool) -> bool:
        raw = query.get(name)
        return default if raw is None else raw.strip().lower() in {"1", "true", "yes", "on"}

    port = parts.port
    if port is None and scheme == "submission":
        port = 587
    use_ssl = flag("ssl", scheme == "smtps")
    use_tls = flag("tls", scheme == "submission" or port == 587)
    if use_ssl and use_tls:
        raise ValueError("EMAIL_URL cannot ask for both ssl and tls")
    if _EMAIL_SCHEMES[scheme] == _SMTP_BACKEND and not parts.hostname:
        raise ValueError("EMAIL_URL needs a host, e.g. smtp://user:pass@smtp.example.org:587")
    return EmailConfig(
        backend=_EMAIL_SCHEMES[scheme],
        host=parts.hostname or "",
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
        timeout=int(query["timeout"]) if "timeout" in query else None,
    )


def load_env() -> Env:
    return Env(
        secret_key=_str("SECRET_KEY"),
        allowed_hosts=_list("ALLOWED_HOSTS"),
        csrf_trusted_origins=_list("CSRF_TRUSTED_ORIGINS"),
        database_url=_str("DATABASE_URL"),
        redis_url=_str("REDIS_URL"),
        elasticsearch_url=_str("ELASTICSEARCH_URL"),
        base_url=_str("BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        email_url=_str("EMAIL_URL", "smtp://localhost:25"),
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
        trusted_proxy_count=_int("TRUSTED_PROXY_COUNT"),
        two_factor_required=_optional_bool("TWO_FACTOR_REQUIRED"),
        log_format=_str("LOG_FORMAT").lower(),
        sentry_dsn=_str("SENTRY_DSN"),
        sentry_environment=_str("SENTRY_ENVIRONMENT"),
        sentry_traces_sample_rate=float(_str("SENTRY_TRACES_SAMPLE_RATE", "0") or "0"),
        serve_media=_bool("SERVE_MEDIA", True),
        media_s3_bucket=_str("MEDIA_S3_BUCKET"),
        media_s3_endpoint_url=_str("MEDIA_S3_ENDPOINT_URL"),
        media_s3_region=_str("MEDIA_S3_REGION"),
        media_s3_access_key_id=_str("MEDIA_S3_ACCESS_KEY_ID"),
        media_s3_secret_access_key=_str("MEDIA_S3_SECRET_ACCESS_KEY"),
        media_s3_custom_domain=_str("MEDIA_S3_CUSTOM_DOMAIN"),
        private_media_root=_str("PRIVATE_MEDIA_ROOT"),
        release_id=_str("RELEASE_ID"),
        cdn_cloudflare_zone_id=_str("CDN_CLOUDFLARE_ZONE_ID"),
        cdn_cloudflare_bearer_token=_str("CDN_CLOUDFLARE_BEARER_TOKEN"),
        cdn_cloudfront_distribution_id=_str("CDN_CLOUDFRONT_DISTRIBUTION_ID"),
        cdn_purge_url=_str("CDN_PURGE_URL"),
        cdn_max_age=_int("CDN_MAX_AGE", 0) or 0,
    )


def git_commit(directory: Path) -> str:
    """The commit checked out in ``directory`` (a clone or a worktree), read from files; "" if none.

    Read once at start: no subprocess, and a Docker image without .git simply has none (it gets
    RELEASE_ID from the build instead).
    """
    try:
        dot_git = directory / ".git"
        if dot_git.is_file():  # a worktree: ".git" names the real git directory
            dot_git = Path(dot_git.read_text().split("gitdir:", 1)[1].strip())
        head = (dot_git / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head
        ref = head.split(":", 1)[1].strip()
        for git_dir in (dot_git, _common_dir(dot_git)):
            ref_file = git_dir / ref
            if ref_file.is_file():
                return ref_file.read_text().strip()
            packed = git_dir / "packed-refs"
            if packed.is_file():
                for line in packed.read_text().splitlines():
                    if line.endswith(f" {ref}"):
                        return line.split(" ", 1)[0]
    except (OSError, IndexError):
        pass
    return ""


def _common_dir(git_dir: Path) -> Path:
    common = git_dir / "commondir"
    return (git_dir / common.read_text().strip()).resolve() if common.is_file() else git_dir
