"""CDN in front: publishing purges the changed URLs at the CDN; public pages say how long it may keep them."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.apps import apps
from django.test import override_settings

from cms.env import git_commit, load_env
from home import cache as page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_cdn():
    """A local HTTP cache that records every PURGE it is sent (Wagtail's HTTPBackend, CDN_PURGE_URL)."""
    purged: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self):
            purged.append((self.headers["Host"], self.path))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    location = f"http://127.0.0.1:{server.server_address[1]}"
    backends = {
        "http": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": location}
    }
    with override_settings(WAGTAILFRONTENDCACHE=backends):
        yield purged
    server.shutdown()


def test_the_cdn_is_configured_from_the_environment(monkeypatch):
    monkeypatch.setenv("CDN_PURGE_URL", "http://varnish:6081")
    monkeypatch.setenv("CDN_CLOUDFLARE_ZONE_ID", "zone")
    monkeypatch.setenv("CDN_CLOUDFLARE_BEARER_TOKEN", "token")
    monkeypatch.setenv("CDN_MAX_AGE", "120")
    monkeypatch.setenv("RELEASE_ID", "v2026.12.03")
    env = load_env()
    assert (env.cdn_purge_url, env.cdn_cloudflare_zone_id, env.cdn_max_age) == (
        "http://varnish:6081",
        "zone",
        120,
    )
    assert env.release_id == "v2026.12.03"


def test_the_release_defaults_to_the_checked_out_commit(tmp_path):
    (tmp_path / ".git" / "refs" / "heads").mkdir(parents=True)
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / ".git" / "refs" / "heads" / "main").write_text("a" * 40 + "\n")
    assert git_commit(tmp_path) == "a" * 40
    assert git_commit(tmp_path / "no-checkout") == ""


def test_publishing_purges_the_page_and_the_pages_that_gather_it(
    client, site_tree, fake_cdn, django_capture_on_commit_callbacks
):
    story = site_tree["story"]
    with django_capture_on_commit_callbacks(execute=True):
        story.title = "Rさんの新しい物語"
        story.save_revision().publish()
    paths = {path for _host, path in fake_cdn}
    assert story.url in paths  # Wagtail's own purge of the published page
    assert {"/", "/en/", site_tree["index"].url, site_tree["en_index"].url} <= paths  # home/cdn.py
    assert {host for host, _path in fake_cdn} == {"testserver"}


def test_editing_a_snippet_purges_the_campaign_pages(site_tree, fake_cdn, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        apps.get_model("crm", "PartnerCompany").objects.create(name="ヤマハ発動機株式会社", show_on_site=True)
    assert {"/", "/en/"} <= {path for _host, path in fake_cdn}


def test_no_cdn_configured_means_no_purge(site_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        site_tree["testimonials"][0].save()
    assert not [c for c in callbacks if "purge" in getattr(c, "__qualname__", "")]


def test_publishing_without_a_cdn_queues_no_purge_task(
    site_tree, django_capture_on_commit_callbacks, monkeypatch
):
    from wagtail.contrib.frontend_cache import utils as frontend_cache

    purged = []  # Wagtail's purge would queue a task here, even with no CDN to send it to
    monkeypatch.setattr(
        frontend_cache, "purge_urls_from_cache", lambda urls, *a, **k: purged.append(list(urls))
    )
    story = site_tree["story"]
    with django_capture_on_commit_callbacks(execute=True):
        story.save_revision().publish()
        story.unpublish()
    assert purged == []


@pytest.mark.parametrize("url", ["/", "/en/", "/stories/", "/search/?query=難民", "/no-such-page/"])
def test_public_pages_may_be_kept_by_a_cdn(client, site_tree, url):
    with override_settings(CDN_MAX_AGE=120):
        miss = client.get(url)
        hit = client.get(url)
    for response in (miss, hit):
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=120", url
    assert hit["X-Page-Cache"] == "hit"


def test_without_a_cdn_public_pages_are_revalidated(client, site_tree):
    assert client.get("/")["Cache-Control"] == "no-cache"


def test_anything_personal_is_private(client, site_tree, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(editor)
    with override_settings(CDN_MAX_AGE=120):
        for url in ("/", "/admin/"):
            assert "private" in client.get(url)["Cache-Control"], url
    client.logout()
    client.cookies.clear()
    client.cookies["messages"] = "x"
    assert "private" in client.get("/")["Cache-Control"]


def test_a_new_release_never_serves_the_old_render(client, site_tree, monkeypatch):
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    monkeypatch.setattr(page_cache.settings, "RELEASE_ID", "next-release", raising=False)
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    # The generation is shared between releases (a rolling deploy): a publish clears both.
    monkeypatch.undo()
    assert client.get("/")["X-Page-Cache"] == "hit"
    page_cache.invalidate()
    assert client.get("/")["X-Page-Cache"] == "miss"
