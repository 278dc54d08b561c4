"""Production settings as the benchmark serves them: DEBUG off, whitenoise, no HTTPS redirect.

Everything the run writes (SQLite file, collected static files, media) goes to BENCH_DIR, so a
benchmark never touches the developer's database or the shared static/ folder.
"""

import os
from pathlib import Path

from cms.settings.production import *  # noqa: F403

_BENCH_DIR = Path(os.environ["BENCH_DIR"])
STATIC_ROOT = _BENCH_DIR / "static"
MEDIA_ROOT = _BENCH_DIR / "media"
# Plain HTTP on loopback: secure-only cookies would never come back, and nothing is logged in here.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# A throwaway loopback site that exists to be measured with the demo content; never deployed.
DEMO_DATA_ALLOWED = True
