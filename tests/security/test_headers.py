"""Every public page type, in both languages, answers with the browser security headers, and its HTML
has nothing the Content-Security-Policy would block (inline scripts, styles, event handlers)."""

import re
import subprocess
import sys

import pytest
from django.test import Client, override_settings

from tests.test_settings import ROOT, _strong_secret

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_every_public_page_type_has_the_security_headers_and_no_inline_code(public_urls):
    client = Client()
    for name, url in public_urls.items():
        response = client.get(url)
        assert response.status_code in (200, 404), (name, url, response.status_code)
        if name.startswith("404"):
            assert response.status_code == 404
        csp = _directives(response["Content-Security-Policy"])
        assert csp["default-src"] == ["'self'"], name
        assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"], name
        assert "'unsafe-inline'" not in csp["style-src"], name
        assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"], name
        assert csp["base-uri"] == ["'self'"], name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert response["X-Frame-Options"] == "DENY", name
        assert (
            "camera=()" in response["Permissions-Policy"]
            and "geolocation=()" in response["Permissions-Policy"]
        )
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (name, INLINE_SCRIPT.search(html))
        assert "<style" not in html and ' style="' not in html, name
        assert not INLINE_HANDLER.search(html), (name, INLINE_HANDLER.search(html))


def test_the_cached_campaign_page_keeps_its_headers(site_tree):
    client = Client()
    first = client.get("/")
    second = client.get("/")
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "Permissions-Policy" in second


def test_the_admin_has_its_own_policy_that_still_forbids_framing_by_others(admin_client):
    response = admin_client.get("/admin/")
    csp = _directives(response["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_on_https(site_tree):
    response = Client().get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")


def test_production_cookies_are_secure_and_http_only():
    probe = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS,"
        " s.X_FRAME_OPTIONS, s.SECURE_CONTENT_TYPE_NOSNIFF, s.TWO_FACTOR_REQUIRED, s.DEMO_DATA_ALLOWED)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", probe],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": _strong_secret(),
            "ALLOWED_HOSTS": "example.org",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "31536000", "DENY", "True", "True", "False"]
