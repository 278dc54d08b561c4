from .base import *  # noqa: F403

DEBUG = True
# Only for local development; production reads SECRET_KEY from the environment.
SECRET_KEY = ENV.secret_key or "django-insecure-dev-only-welgee"  # noqa: F405
ALLOWED_HOSTS = ["*"]
INTERNAL_IPS = ["127.0.0.1"]
# `make run` lets the demo admin in with the printed password alone; two-step verification is there
# to try under Account → Two-step verification, and TWO_FACTOR_REQUIRED=true turns the requirement on.
TWO_FACTOR_REQUIRED = ENV.two_factor_required if ENV.two_factor_required is not None else False  # noqa: F405

try:
    from .local import *  # noqa: F403
except ImportError:
    pass
