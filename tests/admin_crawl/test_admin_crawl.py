"""Every admin URL, for every kind of user, on the demo data after a day of work (issues 11 and 13).

The URLs come from the URL configuration (tests/admin_crawl/urls.py): a new screen is crawled the day
it exists. What each role must get:

- everybody: never a 500;
- anonymous and staff without a group: nothing but the login pages; a POST changes nothing;
- superuser: a 200 on every screen;
- Fundraising: a 200 on every CRM screen;
- Communications: a 200 on the editor's screens of every page type, every non-CRM snippet, images and
  documents; no CRM screen, no CRM data on any page it can open, and a POST to a CRM URL changes nothing.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db.models import Count, Max
from django.forms.models import model_to_dict
from django.urls import resolve, reverse
from wagtail.models import ModelLogEntry, PageLogEntry, Revision

from tests.admin_crawl.conftest import ROLES
from tests.admin_crawl.urls import SKIPPED, AdminURL, Filler

pytestmark = pytest.mark.django_db

# Screens open to anyone: the login and password-reset pages and their assets.
PUBLIC = {
    "wagtailadmin_login", "wagtailadmin_password_reset", "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_complete", "wagtailadmin_javascript_catalog", "wagtailadmin_sprite",
}  # fmt: skip
# A page editor's screens: every page type must open in them for Communications.
PAGE_EDITOR_VIEWS = {
    "edit", "preview_on_edit", "view_draft", "history", "history_results", "revisions_index",
    "revisions_view", "revisions_compare", "usage", "unpublish",
}  # fmt: skip
# The crawl must not silently shrink (e.g. a broken filler): at the time of writing it opens 420 URLs.
MINIMUM_URLS = 380
DENIED = {302, 403, 404, 405}


@pytest.fixture(scope="module")
def crawl(world) -> tuple[list[AdminURL], set[str]]:
    filler = Filler()
    urls = list(filler.urls())
    return urls, filler.missing


def _get(client, url: str):
    try:
        return client.get(url), ""
    except Exception as exc:  # a view that raises is the 500 a person would see
        return None, f"{type(exc).__name__}: {exc}"


def _must_be_200(role: str, entry: AdminURL, user) -> bool:
    if not entry.is_screen:
        return False
    if role == "superuser":
        return True
    if role == "fundraising":
        return entry.area == "crm"
    if role == "communications":
        short = entry.name.rsplit(":", 1)[-1]
        if entry.name.startswith("wagtailadmin_pages:"):
            return short in PAGE_EDITOR_VIEWS
        return entry.area == "content"
    return False


# Screens Wagtail answers with something else than a 200 on this site, by design (not a refusal).
NOT_200_BY_DESIGN = {
    "wagtailadmin_pages:convert_alias": 404,  # no page of the demo is an alias
    "wagtailforms:list_submissions": 404,  # no page type of the site is a form page
    "wagtailforms:list_submissions_results": 404,
    "wagtailforms:delete_submissions": 302,
    "wagtailimages:url_generator": 404,  # the dynamic image URL view is not installed
    "wagtailimages:url_generator_output": 404,
    "wagtailsettings:preview_on_edit": 404,  # the settings are not previewable
    "wagtailadmin_pages:add_subpage": 302,  # a story or a donation page has no child page types
    "wagtaillocales:add": 302,  # both languages exist already
    "wagtailsnippets:index": 302,  # every snippet has its own menu item
    "wagtailadmin_login": 302,  # already logged in
}


def _answers_as_designed(entry: AdminURL, response) -> bool:
    if response.status_code == 405:
        return True  # a POST-only action (lock, confirm, push...): the view says so itself
    if NOT_200_BY_DESIGN.get(entry.name) == response.status_code:
        return True
    location = response.get("Location", "")
    # A screen that forwards to the one to use (choose a parent -> add form, revisions -> history):
    # anything but the dashboard or the login page, which is how Wagtail refuses.
    return (
        response.status_code == 302
        and location not in ("", reverse("wagtailadmin_home"))
        and not (location.startswith(reverse("wagtailadmin_login")))
    )


def _must_be_denied(role: str, entry: AdminURL) -> bool:
    if entry.name in PUBLIC:
        return False
    if role in ("anonymous", "staff_no_group"):
        return True
    return role == "communications" and entry.area == "crm"


def test_the_crawl_covers_the_admin(crawl):
    urls, missing = crawl
    names = {entry.name for entry in urls}
    assert len(urls) >= MINIMUM_URLS, len(urls)
    # Every URL with parameters found a real row; a new model needs rows in the world (conftest.py).
    assert not missing, f"no row to open for: {sorted(missing)}"
    for must in (
        "wagtailadmin_pages:edit",
        "crm_donor:merge",
        "crm_facebook_group:paste",
        "donor_import:job",
        "crm_mailchimp_sync_run:inspect",
        "crm_stripe_event:inspect",
        "wagtailsettings:edit",
    ):
        assert must in names, must
    story_edits = [e for e in urls if e.name == "wagtailadmin_pages:edit"]
    assert len(story_edits) == len(Filler().pages) >= 5  # one per page type
    assert not names & set(SKIPPED)


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_answers_each_role_as_it_should(role, world, crawl, client):
    urls, _ = crawl
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    login_url = reverse("wagtailadmin_login")
    problems: list[str] = []
    for entry in urls:
        response, error = _get(client, entry.url)
        if error:
            problems.append(f"500 {entry}: {error}")
            continue
        status = response.status_code
        if status >= 500:
            problems.append(f"{status} {entry}")
        elif _must_be_200(role, entry, user) and status != 200 and not _answers_as_designed(entry, response):
            problems.append(f"{status} (expected 200) {entry} -> {response.get('Location', '')}")
        elif _must_be_denied(role, entry):
            if status not in DENIED:
                problems.append(f"{status} (expected a refusal) {entry}")
            elif status == 302 and role == "anonymous" and not response["Location"].startswith(login_url):
                problems.append(f"302 to {response['Location']} (expected the login) {entry}")
        if role == "communications" and status == 200 and entry.area != "crm":
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode(errors="replace")
            leaked = [secret for secret in world.crm_secrets if secret in body]
            if leaked:
                problems.append(f"CRM data {leaked} shown to Communications on {entry}")
    assert not problems, f"{len(problems)} problems for {role}:\n" + "\n".join(problems)


def _witness(entry: AdminURL, kwargs: dict) -> tuple:
    """What a successful POST would change: the object behind the URL, its table, the logs."""
    state: list = [
        ModelLogEntry.objects.count(), PageLogEntry.objects.count(), Revision.objects.count(),
        apps.get_model("crm", "Donor").objects.aggregate(Count("pk"), Max("updated_at")),
        apps.get_model("crm", "MailchimpSyncRun").objects.count(),
        apps.get_model("crm", "FacebookGroupInvitationEvent").objects.count(),
        apps.get_model("auth", "Group").objects.aggregate(Count("permissions")),
    ]  # fmt: skip
    if entry.model is not None:
        manager = entry.model._default_manager
        state.append(manager.count())
        pk = next((v for k, v in kwargs.items() if k == "pk" or k.endswith("_id")), None)
        obj = manager.filter(pk=pk).first() if pk is not None else None
        if obj is not None:
            state.append(repr(sorted(model_to_dict(obj).items(), key=lambda kv: kv[0])))
    return tuple(repr(part) for part in state)


@pytest.mark.parametrize("role", ["anonymous", "staff_no_group", "communications"])
def test_a_refused_post_changes_nothing(role, world, crawl, client):
    urls, _ = crawl
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    problems: list[str] = []
    posted = 0
    for entry in urls:
        if not _must_be_denied(role, entry) or "?" in entry.url:
            continue
        kwargs = resolve(entry.url).kwargs
        before = _witness(entry, kwargs)
        try:
            response = client.post(entry.url, {"confirm": "1", "note": "crawl"})
        except Exception as exc:
            problems.append(f"500 POST {entry}: {type(exc).__name__}: {exc}")
            continue
        posted += 1
        if response.status_code not in DENIED:
            problems.append(f"{response.status_code} POST (expected a refusal) {entry}")
        if _witness(entry, kwargs) != before:
            problems.append(f"POST changed data: {entry}")
    assert posted >= (80 if role == "communications" else MINIMUM_URLS - 20), posted
    assert not problems, f"{len(problems)} problems for {role}:\n" + "\n".join(problems)
