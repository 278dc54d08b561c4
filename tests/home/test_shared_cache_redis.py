"""More than one process: with REDIS_URL set, every web process shares the page cache and the rate limits.

This test process is one web process; a separate Python process (started here, talking over a pipe)
is the other. Both use the same Redis (127.0.0.1:6379, db 7, a key prefix of this run's own). The
other process has an empty database: whatever it answers as a cache hit it can only have from
Redis, and a page it must render fails there, which shows it did not serve an old copy.
Skipped when no Redis answers.
"""

import hashlib
import json
import os
import socket
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db

REDIS = ("127.0.0.1", 6379)
REDIS_DB = 7

OTHER_PROCESS = textwrap.dedent(
    """
    import hashlib, json, os, sys
    import django
    from django.conf import settings
    settings.CACHES = json.loads(os.environ["SHARED_CACHES"])
    settings.RATELIMIT_ENABLE = True
    settings.RELEASE_ID = os.environ["SHARED_RELEASE_ID"]
    django.setup()
    from django.test import Client, RequestFactory
    from core.ratelimit import limit_reached
    from home import cache as page_cache

    client = Client(raise_request_exception=False)
    print("ready", flush=True)
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "get":
            response = client.get(argument)
            answer = {"status": response.status_code, "cache": response.get("X-Page-Cache"),
                      "sha": hashlib.sha256(response.content).hexdigest()}
        elif command == "limit":
            request = RequestFactory().post("/newsletter/", REMOTE_ADDR=argument)
            answer = {"over": limit_reached(request, scope="newsletter")}
        elif command == "invalidate":
            page_cache.invalidate()
            answer = {"ok": True}
        print(json.dumps(answer), flush=True)
    """
)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def shared_caches():
    if not _redis_answers():
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"test-shared-{uuid.uuid4().hex[:12]}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=caches):
        yield caches
        # Only this run's keys: other helpers' tests may share the database number.
        import redis

        connection = redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB)
        for key in connection.scan_iter(f"{prefix}:*"):
            connection.delete(key)


class OtherProcess:
    def __init__(self, caches: dict, tmp_path: Path):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            "SHARED_CACHES": json.dumps(caches),
            "SHARED_RELEASE_ID": settings.RELEASE_ID,
            "PYTHONPATH": str(settings.BASE_DIR),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", OTHER_PROCESS],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def other_process(shared_caches, tmp_path):
    other = OtherProcess(shared_caches, tmp_path)
    yield other
    other.close()


def _sha(response) -> str:
    return hashlib.sha256(response.content).hexdigest()


def test_two_processes_share_the_page_cache_and_every_invalidation(client, site_tree, other_process):
    for url in ("/", "/en/"):
        rendered = client.get(url)
        assert rendered["X-Page-Cache"] == "miss"
        # The other process serves this process's render, without a database.
        answer = other_process.ask(f"get {url}")
        assert answer == {"status": 200, "cache": "hit", "sha": _sha(rendered)}

    # A publish here: the other process no longer serves the old page (it has to render, and cannot).
    home = site_tree["home"]
    home.title = "公開し直したタイトル"
    home.save_revision().publish()
    assert other_process.ask("get /")["cache"] != "hit"
    fresh = client.get("/")
    assert fresh["X-Page-Cache"] == "miss" and "公開し直したタイトル" in fresh.content.decode()
    assert other_process.ask("get /") == {"status": 200, "cache": "hit", "sha": _sha(fresh)}

    # A change in the other process (its publish moves the generation): this one renders again.
    client.get("/en/")
    assert client.get("/en/")["X-Page-Cache"] == "hit"
    other_process.ask("invalidate")
    assert client.get("/en/")["X-Page-Cache"] == "miss"


def test_two_processes_share_the_rate_limit_counts(rf, other_process):
    from core.ratelimit import limit_reached

    address = "203.0.113.77"
    allowed = int(settings.RATE_LIMITS["newsletter"]["address"].split("/")[0])
    with override_settings(RATELIMIT_ENABLE=True):
        here = allowed // 2
        for _ in range(here):
            assert not limit_reached(rf.post("/newsletter/", REMOTE_ADDR=address), scope="newsletter")
        for _ in range(allowed - here):
            assert other_process.ask(f"limit {address}") == {"over": False}
        # The next request is over the limit in either process: they count together.
        assert other_process.ask(f"limit {address}") == {"over": True}
        assert limit_reached(rf.post("/newsletter/", REMOTE_ADDR=address), scope="newsletter")
