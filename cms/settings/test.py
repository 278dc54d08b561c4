from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django's own ImmediateBackend (not the backport's): Wagtail's tasks and ours then share one Task class.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test"}}
MEDIA_ROOT = BASE_DIR / "media-test"  # noqa: F405
STORAGES["private"]["OPTIONS"]["location"] = BASE_DIR / "private-media-test"  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# The suite logs staff in with force_login; tests/security turns two-step verification back on.
TWO_FACTOR_REQUIRED = False
# Tests share one in-memory cache, so limits counted in one test would refuse requests in the next;
# tests/security/test_rate_limits.py turns them back on.
RATELIMIT_ENABLE = False
