"""Work every server process does once, done when it starts instead of in its first visitor's request.

Django imports the URLconf (every app's URL modules, Wagtail's admin among them) and builds the
reverse-lookup tables of each language the first time a URL is resolved or reversed: at a worker's
first request that was about 400 ms on top of the page (bench/bench_reports.py: the dashboard's
first request in a process). gunicorn restarts workers every couple of thousand requests
(--max-requests), so without this a visitor pays it again after every restart.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import get_resolver, reverse
from django.utils import translation


def warm_up() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every URL module
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            # The reverse tables are built per language (i18n_patterns prefixes the public pages).
            reverse("wagtailadmin_home")
