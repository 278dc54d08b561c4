"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live_server.

Never `playwright install`: the browser is the system one at /usr/bin/chromium (`.ci/run` installs it
from Debian). Without it every e2e test is skipped with a reason instead of failing.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _serve_one_request_at_a_time() -> None:
    """The live server answers one request at a time.

    On SQLite the suite's database is in memory, and pytest-django hands the live server the test's
    own connection. Django's threaded test server then runs two requests of one page (a form post and
    the admin's background ping) on that one connection at once, and SQLite refuses: "cannot release
    savepoint - SQL statements in progress", a 500 that came and went with the machine's load. A
    server that is not threaded closes each connection after its answer, so the browser's requests
    queue instead of colliding.
    """
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

    LiveServerThread.server_class = SerialWSGIServer


_serve_one_request_at_a_time()

# Playwright's sync API runs its own event loop; Django then sees "async context" and refuses ORM
# calls from test code (creating users, reading results) unless told it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    e2e_dir = Path(__file__).parent
    for item in items:
        if e2e_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} not found (apt-get install chromium)"))


@pytest.fixture(scope="session")
def browser() -> Iterator["Browser"]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


#: Where a failing browser test leaves a picture of its last screen (relative to the working directory).
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "test-results"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test, so the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, live_server, request) -> Iterator["Page"]:
    """A fresh browser context per test (own cookies), with short timeouts so a hang fails fast.

    A failing test saves a full-page screenshot under SCREENSHOTS, named after the test."""
    context = browser.new_context(base_url=live_server.url, locale="ja-JP")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = "".join(c if c.isalnum() or c in "-_" else "_" for c in request.node.nodeid)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture(autouse=True)
def wagtail_tree(request):
    """Make sure the page tree's root and the locales exist.

    A transactional test elsewhere in the run flushes every table (and serialized_rollback cannot
    restore what it never saw), so a browser test may start with no root page at all; the admin
    dashboard then fails to build its explorer link. Recreate what Wagtail's migrations made.
    """
    if "django_db" not in request.keywords:
        yield
        return
    request.getfixturevalue("transactional_db")
    from wagtail.models import Locale, Page

    for code in ("ja", "en"):
        Locale.objects.get_or_create(language_code=code)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", locale=Locale.objects.get(language_code="ja")))
    yield


E2E_PASSWORD = "pw-e2e-123"


def log_in(page, user) -> None:
    """Give the staff user a known password and log in through the admin's login form."""
    user.set_password(E2E_PASSWORD)
    user.save()
    page.goto("/admin/login/")
    page.fill("input[name=username]", user.get_username())
    page.fill("input[name=password]", E2E_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")
