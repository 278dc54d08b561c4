from .base import *  # noqa: F403

DEBUG = True
# Only for local development; production reads SECRET_KEY from the environment.
SECRET_KEY = ENV.secret_key or "django-insecure-dev-only-welgee"  # noqa: F405
ALLOWED_HOSTS = ["*"]
INTERNAL_IPS = ["127.0.0.1"]

try:
    from .local import *  # noqa: F403
except ImportError:
    pass
