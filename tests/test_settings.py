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


# --- Docker image and compose stack (Docker cannot run here: check their structure instead) -------


def _compose() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_has_the_whole_stack():
    services = _compose()["services"]
    assert set(services) == {"migrate", "web", "worker", "scheduler", "db", "redis", "elasticsearch"}
    assert services["db"]["image"] == "postgres:17"
    assert services["redis"]["image"].startswith("redis:7")
    assert services["elasticsearch"]["build"]["dockerfile"] == "Dockerfile.elasticsearch"
    es_env = services["elasticsearch"]["environment"]
    assert es_env["discovery.type"] == "single-node"
    assert es_env["xpack.security.enabled"] == "false"
    es_dockerfile = (ROOT / "Dockerfile.elasticsearch").read_text(encoding="utf-8")
    assert "ARG ES_VERSION=9." in es_dockerfile
    assert "elasticsearch-plugin install --batch analysis-kuromoji" in es_dockerfile


def test_compose_app_services_share_env_wired_to_the_other_services():
    services = _compose()["services"]
    for name in ("migrate", "web", "worker", "scheduler"):
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "cms.settings.production", name
        assert "@db:5432/" in env["DATABASE_URL"], name
        assert env["REDIS_URL"] == "redis://redis:6379/0", name
        assert env["ELASTICSEARCH_URL"] == "http://elasticsearch:9200", name
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?"), f"{name} must refuse to start without a key"
        assert {"media:/app/media"} <= set(services[name]["volumes"]), name
    assert services["worker"]["command"][:3] == ["python", "manage.py", "db_worker"]
    assert services["scheduler"]["command"][:3] == ["python", "manage.py", "crontask"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["worker"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "migrate --noinput" in " ".join(services["migrate"]["command"])


def test_compose_sets_only_variables_the_project_reads():
    """A typo in an env name would be silently ignored by the app: every name must be in cms/env.py."""
    env_schema = (ROOT / "cms" / "env.py").read_text(encoding="utf-8")
    env = _compose()["services"]["web"]["environment"]
    unknown = [name for name in env if name != "DJANGO_SETTINGS_MODULE" and f'"{name}"' not in env_schema]
    assert unknown == []


def test_dockerfile_builds_a_non_root_gunicorn_image_like_the_makefile():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    python_version = (ROOT / ".python-version").read_text(encoding="utf-8").strip()

    assert f"ARG PYTHON_VERSION={python_version}" in dockerfile
    assert dockerfile.count("FROM python:${PYTHON_VERSION}-slim-trixie AS ") == 2  # multi-stage, one Debian
    # pg_dump (manage.py backup) must not be older than the server it dumps: the compose database's.
    database_major = _compose()["services"]["db"]["image"].split(":")[1].split(".")[0]
    assert f"postgresql-client-{database_major} " in dockerfile
    user_lines = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert user_lines and user_lines[-1] not in {"root", "0"}
    assert "HEALTHCHECK" in dockerfile
    # Same install, static and serve steps as the Makefile.
    assert "pip install -r /tmp/requirements.txt" in dockerfile and "-r requirements.txt" in makefile
    assert (
        "manage.py collectstatic --noinput" in dockerfile and "manage.py collectstatic --noinput" in makefile
    )
    assert "gunicorn cms.wsgi" in dockerfile and "gunicorn cms.wsgi" in makefile
    # The build-time key is only for collectstatic, never baked into the image's environment.
    env_lines = [line for line in dockerfile.splitlines() if line.startswith("ENV ")]
    assert not any("SECRET_KEY" in line for line in env_lines)


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", ".env", "db.sqlite3*", "/media"} <= ignored
