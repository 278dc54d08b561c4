"""Production settings: refuse to start without secrets, pass `check --deploy` with them.

These run `manage.py` in a subprocess with a clean environment, so nothing from the developer's shell
(or the test settings) leaks in.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from cms.env import parse_email_url

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _strong_secret() -> str:
    return secrets.token_urlsafe(50)


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage("check", SECRET_KEY=_strong_secret())
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_check_deploy_is_clean_with_secrets():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=_strong_secret(),
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_reads_email_and_redis_from_the_environment():
    probe = (
        "from django.conf import settings as s;"
        "m = s.MAILERS['default'];"
        "print(m['BACKEND'], m['OPTIONS']['host'], m['OPTIONS']['port'], m['OPTIONS']['username'],"
        " m['OPTIONS']['use_tls'], s.CACHES['default']['BACKEND'], s.DEBUG, hasattr(s, 'EMAIL_BACKEND'))"
    )
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        probe,
        SECRET_KEY=_strong_secret(),
        ALLOWED_HOSTS="example.org",
        EMAIL_URL="smtp://mailer%40welgee.jp:p%2Fss@smtp.example.org:587",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "587",
        "mailer@welgee.jp",
        "True",
        "django.core.cache.backends.redis.RedisCache",
        "False",
        "False",
    ]


@pytest.mark.parametrize(
    ("url", "expected_options"),
    [
        (
            "smtp://user:se%40cret@mail.example.org:25",
            {
                "host": "mail.example.org",
                "port": 25,
                "username": "user",
                "password": "se@cret",
                "use_tls": False,
                "use_ssl": False,
            },
        ),
        ("smtps://user:secret@mail.example.org", {"use_ssl": True, "use_tls": False}),
        ("submission://user:secret@mail.example.org", {"port": 587, "use_tls": True}),
        ("smtp://mail.example.org:2525?tls=1&timeout=5", {"use_tls": True, "timeout": 5}),
    ],
)
def test_email_url_parser_gives_a_mailers_entry(url, expected_options):
    mailer = parse_email_url(url).as_mailer()
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    for key, value in expected_options.items():
        assert mailer["OPTIONS"][key] == value, key


def test_email_url_parser_console_has_no_options():
    assert parse_email_url("console://").as_mailer() == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


def test_email_url_parser_rejects_bad_urls():
    with pytest.raises(ValueError, match="scheme"):
        parse_email_url("http://mail.example.org")
    with pytest.raises(ValueError, match="both"):
        parse_email_url("smtps://mail.example.org?tls=1")
    with pytest.raises(ValueError, match="host"):
        parse_email_url("smtp://")
