"""Settings shared by every environment. Environment variables are read via cms.env only."""

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cms.env import git_commit, load_env
from cms.logging import logging_config
from cms.sentry import sentry_init

ENV = load_env()

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    # Before home: home's ready() replaces its publish receivers with ones that purge only when a
    # CDN is configured (home/cdn.py).
    "wagtail.contrib.frontend_cache",
    "home",
    "search",
    "crm",
    "accounts",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "crontask",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    # /healthz for the load balancer, answered before host checks and the HTTPS redirect.
    "cms.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # CSP and Permissions-Policy; before the campaign-page cache so cached pages get them too.
    "cms.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "home.middleware.PublicPageCacheMiddleware",  # cached public pages before sessions/csrf/locale
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# SQLite by default so `make run` needs nothing installed; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        ENV.database_url or f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's PostgreSQL search index needs contrib.postgres (system check postgres.E005).
    INSTALLED_APPS.append("django.contrib.postgres")
    # PostgreSQL compiles a query to machine code (JIT) when its *estimated* cost is high. The CRM's
    # report queries (segment rules: subqueries under OR) are estimated in the millions but run in
    # milliseconds, and compiling them took seconds (bench/bench_reports.py: LYBUNT's first page
    # 7.7 s with JIT, 0.4 s without). The site runs short queries only: JIT off.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.PublishedPasswordValidator"},
]

# --- Staff accounts (accounts/) ---
# django-axes: after 5 failed logins the account, and separately the address, is locked for an hour;
# a superuser lifts it under Settings → Login lock-outs (or `manage.py axes_reset_username NAME`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Two-step verification: required for superusers and these groups (others may turn it on).
TWO_FACTOR_REQUIRED = ENV.two_factor_required if ENV.two_factor_required is not None else True
TWO_FACTOR_REQUIRED_GROUPS = ["Fundraising"]
OTP_TOTP_ISSUER = "WELgee"
# Staff sessions: at most 10 hours (a working day), and logged out after 30 idle minutes.
SESSION_COOKIE_AGE = 10 * 60 * 60
STAFF_IDLE_TIMEOUT = 30 * 60
SESSION_COOKIE_HTTPONLY = True
# The demo admin's password is printed in the README: it may never be set where it matters, and
# `check --deploy` reports any staff account still using it.
PUBLISHED_DEMO_PASSWORDS = ("welgee-demo-admin",)
DEMO_DATA_ALLOWED = True
# Number of proxies in front of the site that append to X-Forwarded-For (core/client_address.py).
TRUSTED_PROXY_COUNT = ENV.trusted_proxy_count if ENV.trusted_proxy_count is not None else 0

# Japanese is the site's default language and lives at "/"; English at "/en/".
LANGUAGE_CODE = "ja"
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("ja", _("Japanese")),
    ("en", pgettext_lazy("language name", "English")),
]
# Staff choose the admin's language among those our own strings are translated into.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ja", "日本語"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = BASE_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

# "default" holds public media (images, documents); "private" holds files only the site itself reads
# (donor lists waiting to be imported), never served. Both must be shared by the web containers and
# the workers: a volume mounted on each (docker-compose.yml), or an S3-compatible bucket.
PRIVATE_MEDIA_ROOT = Path(ENV.private_media_root) if ENV.private_media_root else BASE_DIR / "private-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": PRIVATE_MEDIA_ROOT,
            "base_url": None,
            "directory_permissions_mode": 0o700,
            "file_permissions_mode": 0o600,
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Media are served by the site itself from MEDIA_ROOT (cms/media.py) unless SERVE_MEDIA=false (the
# proxy serves the volume) or a bucket is configured (then the bucket, or its CDN domain, serves them).
SERVE_MEDIA = ENV.serve_media
MEDIA_ORIGIN = ""
if ENV.media_s3_bucket:
    _s3 = {
        "bucket_name": ENV.media_s3_bucket,
        "endpoint_url": ENV.media_s3_endpoint_url or None,
        "region_name": ENV.media_s3_region or None,
        "access_key": ENV.media_s3_access_key_id or None,
        "secret_key": ENV.media_s3_secret_access_key or None,
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "location": "media",
            "custom_domain": ENV.media_s3_custom_domain or None,
            "querystring_auth": False,
        },
    }
    # Private objects: no public ACL, reachable only with the site's credentials.
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "private", "default_acl": "private", "querystring_auth": True},
    }
    SERVE_MEDIA = False
    if ENV.media_s3_custom_domain:
        MEDIA_ORIGIN = f"https://{ENV.media_s3_custom_domain}"
    elif ENV.media_s3_endpoint_url:
        MEDIA_ORIGIN = ENV.media_s3_endpoint_url.rstrip("/")
    else:
        MEDIA_ORIGIN = f"https://{ENV.media_s3_bucket}.s3.amazonaws.com"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "welgee",
    }
}
if ENV.redis_url:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": ENV.redis_url,
    }

# The public page cache (home/cache.py) keys every stored page on the release, so a deploy never
# serves a page the old templates rendered, and two releases running side by side (a rolling
# deploy) each serve their own renders while sharing every invalidation.
RELEASE_ID = ENV.release_id or git_commit(BASE_DIR)

# A CDN in front (docs/deploy.md "CDN"): Wagtail's frontend_cache purges a page's URLs when it is
# published or unpublished; home.cdn purges the language home pages when something they show changes.
# Public pages then carry `s-maxage=CDN_MAX_AGE`; anything personal says `private`.
CDN_MAX_AGE = ENV.cdn_max_age
WAGTAILFRONTENDCACHE: dict[str, dict[str, str]] = {}
if ENV.cdn_cloudflare_zone_id:
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": ENV.cdn_cloudflare_zone_id,
        "BEARER_TOKEN": ENV.cdn_cloudflare_bearer_token,
    }
if ENV.cdn_cloudfront_distribution_id:
    # Credentials come from the usual AWS environment (AWS_ACCESS_KEY_ID ... or an instance role); boto3.
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": ENV.cdn_cloudfront_distribution_id,
    }
if ENV.cdn_purge_url:
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": ENV.cdn_purge_url,
    }
# No WAGTAILFRONTENDCACHE_LANGUAGES: each language is its own translated page with its own URL and
# its own publish, so Wagtail purges exactly that URL.

# Background work: Django's tasks framework. The database backend needs only the database we
# already have; `manage.py db_worker` runs the queue. Tests override this to run immediately.
# Only Django-6-native backends here: Wagtail's `django_tasks` decorator then builds the same Task
# class as ours (`from core.tasks import task`), so both share this queue (docs/deploy.md).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
    }
}
# The scheduler (`manage.py crontask`, crm/schedule.py): with Redis, a lock there keeps a
# second scheduler container from enqueueing everything twice.
CRONTASK = {"REDIS_URL": ENV.redis_url or None}

# Django 6.1 mailers; production builds this from EMAIL_URL.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = ENV.default_from_email

WAGTAIL_SITE_NAME = "WELgee"
# Two staff groups publish directly (crm/services/groups.py): Communications publishes, nobody
# moderates. Wagtail's approval workflows would only add a "submit for moderation" step nobody
# answers, so they are off, and Wagtail's default "Moderators"/"Editors" groups and workflow are
# removed on install (home/migrations/0003_remove_wagtail_default_moderation.py).
WAGTAIL_WORKFLOW_ENABLED = False
WAGTAILADMIN_BASE_URL = ENV.base_url
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Staff avatars: Wagtail's default initials, not Gravatar (a third-party request per avatar, and a
# broken image under our CSP).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Search: the search app's Japanese-aware backend wraps Wagtail's database backend; with
# ELASTICSEARCH_URL set, Elasticsearch 9 with the same analysis (see search/).
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "search.backends.database",
    }
}
if ENV.elasticsearch_url:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.elasticsearch",
            "URLS": [ENV.elasticsearch_url],
            "INDEX_PREFIX": "welgee_",
            "TIMEOUT": 10,
        }
    }

# Visitors' search terms (the editors' search-terms report) are kept this many days, then pruned by
# crm.schedule.search_terms_prune_scheduled_task; emails and phone numbers are never counted.
WAGTAILSEARCH_HITS_MAX_AGE = 30

# Integrations: empty values mean "not configured"; features degrade instead of crashing.
STRIPE_SECRET_KEY = ENV.stripe_secret_key
STRIPE_PUBLISHABLE_KEY = ENV.stripe_publishable_key
STRIPE_WEBHOOK_SECRET = ENV.stripe_webhook_secret
STRIPE_API_BASE = ENV.stripe_api_base
MAILCHIMP_API_KEY = ENV.mailchimp_api_key
MAILCHIMP_AUDIENCE_ID = ENV.mailchimp_audience_id
MAILCHIMP_API_URL = ENV.mailchimp_api_url
MAILCHIMP_WEBHOOK_SECRET = ENV.mailchimp_webhook_secret

# --- Abuse limits (core/ratelimit.py): per visitor address and, where the form has one, per email.
RATE_LIMITS = {
    "newsletter": {"address": "5/h", "email": "3/h"},
    "manage_gift": {"address": "10/h", "email": "1/10m"},
    "checkout": {"address": "20/h"},
    "password_reset": {"address": "5/h", "email": "1/10m"},
}

# --- Browser security (cms/security_headers.py) ---
# Public pages: no inline script or style anywhere, everything from our own origin, no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": ["https://www.youtube-nocookie.com", "https://www.youtube.com"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF, "https://checkout.stripe.com", "https://billing.stripe.com"],
    "frame-ancestors": [CSP.NONE],
}
# The admin: Wagtail 8 still writes inline styles and a few inline scripts, so those are allowed
# there (and only there); everything else is as strict as the public site. Previews frame the site.
SECURE_CSP_ADMIN = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
    "frame-src": [CSP.SELF, "https://www.youtube-nocookie.com", "https://www.youtube.com"],
    "frame-ancestors": [CSP.SELF],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Logs: plain lines for a terminal, JSON lines (LOG_FORMAT=json, production's default) for a
# collector; either way emails, phone numbers and URL secrets are masked (cms/logging.py).
LOGGING = logging_config(log_format=ENV.log_format or "plain")

# Error reports to Sentry when SENTRY_DSN is set, personal data scrubbed (cms/sentry.py).
sentry_init(
    dsn=ENV.sentry_dsn, environment=ENV.sentry_environment, traces_sample_rate=ENV.sentry_traces_sample_rate
)

# /healthz reports the queue unhealthy when the oldest runnable task waited longer than this.
HEALTHZ_MAX_QUEUE_AGE = 15 * 60
