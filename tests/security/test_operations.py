"""Operations: /healthz, log lines without personal data, the Sentry scrubber, client addresses."""

import datetime
import json
import logging

import pytest
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.logging import JsonFormatter, PersonalDataFilter
from cms.sentry import before_send
from core.client_address import client_address

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_cache_and_queue_as_json():
    response = Client().get("/healthz", HTTP_HOST="10.1.2.3:8000")  # not an allowed host: still answered
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    report = response.json()
    assert report["status"] == "ok"
    assert report["database"]["ok"] and report["cache"]["ok"]
    assert report["queue"] == {"ok": True, "oldest_ready_seconds": 0.0}
    assert set(report) == {"status", "database", "cache", "queue"}


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["example.org"])
def test_healthz_answers_plain_http_from_inside_the_network():
    assert Client().get("/healthz", HTTP_HOST="172.18.0.5").status_code == 200


def test_healthz_reports_a_stalled_queue_without_failing_the_web_container():
    waiting = DBTaskResult.objects.create(
        task_path="crm.tasks.nothing",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
    )
    # enqueued_at is stamped on creation; age it as a worker that stopped 20 minutes ago would.
    DBTaskResult.objects.filter(pk=waiting.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=20)
    )
    response = Client().get("/healthz")
    assert response.status_code == 200
    queue = response.json()["queue"]
    assert queue["ok"] is False and 1150 < queue["oldest_ready_seconds"] < 1300


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
def test_healthz_fails_when_the_cache_is_down():
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"]["ok"] is False


def _record(message: str, *args) -> logging.LogRecord:
    return logging.LogRecord("django.request", logging.WARNING, __file__, 1, message, args, None)


def test_log_lines_are_json_without_emails_phones_or_url_secrets():
    record = _record(
        "Not Found: %s from %s, phone %s", "/en/donate/manage/tok3n.sig/", "hana@example.org", "090-1234-5678"
    )
    assert PersonalDataFilter().filter(record)
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert payload["level"] == "WARNING" and payload["logger"] == "django.request"
    assert "hana@example.org" not in line and "tok3n" not in line and "1234-5678" not in line
    assert "[email]" in payload["message"] and "/en/donate/manage/[redacted]/" in payload["message"]


def test_sentry_events_lose_request_bodies_users_and_personal_data():
    event = {
        "request": {
            "url": "https://example.org/mailchimp/webhook/s3cret/",
            "data": {"email": "a@b.jp"},
            "cookies": {"sessionid": "x"},
            "headers": {"Cookie": "x", "User-Agent": "UA"},
            "query_string": "email=a@b.jp",
        },
        "user": {"email": "a@b.jp", "ip_address": "1.2.3.4"},
        "exception": {
            "values": [
                {
                    "value": "duplicate key hana@example.org",
                    "stacktrace": {"frames": [{"vars": {"email": "a@b.jp"}}]},
                }
            ]
        },
        "logentry": {"message": "sent to %s", "params": ["hana@example.org"]},
    }
    cleaned = before_send(event, {})
    text = json.dumps(cleaned)
    assert "a@b.jp" not in text and "hana@example.org" not in text and "s3cret" not in text
    assert cleaned["request"]["headers"] == {"User-Agent": "UA"} and "user" not in cleaned


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "203.0.113.9", "198.51.100.1"),  # no proxy: the header is the client's lie
        (1, "10.0.0.2", "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.2", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own entry is ignored
        (2, "10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "", "10.0.0.2"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
