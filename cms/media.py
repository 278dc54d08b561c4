"""Serving uploaded media (images, renditions, documents' files) when DEBUG is off.

Whitenoise only serves files that existed when the process started, so it cannot serve uploads. By
default the site serves /media/ itself from MEDIA_ROOT, the volume the web containers and workers
share: fine for a site of this size, with a day's browser cache (rendition names change whenever an
image does). A proxy in front may take /media/ over from the same volume (SERVE_MEDIA=false), or an
S3-compatible bucket may hold the files (MEDIA_S3_BUCKET); docs/deploy.md has the three layouts.
Every response still passes through the security-header middleware (nosniff, a CSP that blocks
scripts in an uploaded file).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.static import serve

MEDIA_MAX_AGE_SECONDS = 24 * 60 * 60


def media_serve(request: HttpRequest, path: str) -> HttpResponse:
    if path.startswith("documents/"):
        # Documents go through Wagtail's /documents/ view, which applies collection privacy.
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE_SECONDS}"
    return response
