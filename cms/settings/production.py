from django.core.exceptions import ImproperlyConfigured

from cms.env import parse_email_url

from .base import *  # noqa: F403

DEBUG = False
# The demo site comes with an admin whose password is in the README: never here.
DEMO_DATA_ALLOWED = False

# Production refuses to start on defaults: every secret comes from the environment.
if not ENV.secret_key:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")
if not ENV.allowed_hosts:  # noqa: F405
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set (comma-separated) for production.")

SECRET_KEY = ENV.secret_key  # noqa: F405
ALLOWED_HOSTS = list(ENV.allowed_hosts)  # noqa: F405
CSRF_TRUSTED_ORIGINS = list(ENV.csrf_trusted_origins)  # noqa: F405

# Hashed, pre-compressed file names let whitenoise send them with a far-future cache header.
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405

# The site sits behind a TLS-terminating proxy (load balancer, Caddy, nginx) that sets this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = ENV.secure_ssl_redirect  # noqa: F405
# One TLS proxy in front unless TRUSTED_PROXY_COUNT says otherwise (core/client_address.py).
TRUSTED_PROXY_COUNT = ENV.trusted_proxy_count if ENV.trusted_proxy_count is not None else 1  # noqa: F405
# A log collector reads JSON lines (LOG_FORMAT=plain for a terminal).
LOGGING = logging_config(log_format=ENV.log_format or "json")  # noqa: F405
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
if not SECURE_SSL_REDIRECT:
    # Only the benchmark and local smoke runs switch the redirect off; the proxy then owns HTTPS.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]

# Mail goes out through EMAIL_URL (smtp://user:pass@host:587; default: a relay on localhost:25) using
MAILERS = {"default": parse_email_url(ENV.email_url).as_mailer()}  # noqa: F405
SERVER_EMAIL = DEFAULT_FROM_EMAIL  # noqa: F405

try:
    from .local import *  # noqa: F403
except ImportError:
    pass
