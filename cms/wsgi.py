"""WSGI entry point for gunicorn (`gunicorn cms.wsgi`).

It defaults to the production settings, which refuse to start without SECRET_KEY and ALLOWED_HOSTS:
a server started without configuration fails loudly instead of running with DEBUG on.
`manage.py` keeps defaulting to the development settings.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()

# After setup, before the first request: see core.warmup.
from core.warmup import warm_up  # noqa: E402

warm_up()
