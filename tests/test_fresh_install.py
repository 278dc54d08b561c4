"""A brand-new database after ONE `migrate` gives each staff group exactly its permissions (issue 11).

Runs the real command in a subprocess against an empty database: a temporary SQLite file, and a
temporary PostgreSQL database when DATABASE_URL points at PostgreSQL. The checks then run in a second
process on the same database, as a person would find it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

# Run inside the migrated database: a story under a campaign page, one staff user per group, then
# what each may do, and every group's permissions as a comparable snapshot.
CHECK = r"""
import json
from django.contrib.auth.models import Group, User
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Page, Workflow
from home.models import HomePage, StoryIndexPage, StoryPage

def snapshot():
    groups = {}
    for group in Group.objects.order_by("name"):
        groups[group.name] = {
            "model": sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()),
            "pages": sorted(f"{gp.page.depth}:{gp.permission.codename}" for gp in GroupPagePermission.objects.filter(group=group)),
            "collections": sorted(f"{gc.collection.depth}:{gc.permission.codename}" for gc in GroupCollectionPermission.objects.filter(group=group)),
        }
    return groups

before_pages = snapshot()
root = Page.get_first_root_node()
home = root.add_child(instance=HomePage(title="WELgee", slug="welgee-fresh"))
index = home.add_child(instance=StoryIndexPage(title="ストーリー", slug="stories"))
story = index.add_child(instance=StoryPage(title="Rさんの物語", slug="r"))
result = {"groups": before_pages, "workflows": Workflow.objects.count(), "users": {}}
for name in ("Communications", "Fundraising"):
    user = User.objects.create_user(f"fresh-{name}", is_staff=True)
    user.groups.add(Group.objects.get(name=name))
    user = User.objects.get(pk=user.pk)
    story_perms = story.permissions_for_user(user)
    result["users"][name] = {
        "publish_testimonial": user.has_perm("home.publish_testimonial"),
        "change_testimonial": user.has_perm("home.change_testimonial"),
        "edit_story": story_perms.can_edit(),
        "publish_story": story_perms.can_publish(),
        "view_donor": user.has_perm("crm.view_donor"),
        "change_donor": user.has_perm("crm.change_donor"),
        "access_admin": user.has_perm("wagtailadmin.access_admin"),
    }
print("RESULT" + json.dumps(result))
"""

SNAPSHOT = CHECK.split("before_pages = snapshot()")[0] + 'print("RESULT" + json.dumps(snapshot()))\n'


def _run(env: dict[str, str], *args: str) -> str:
    completed = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return completed.stdout


def _result(output: str):
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    return json.loads(line.removeprefix("RESULT"))


def _env(database_url: str, tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test", "DATABASE_URL": database_url}
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database_url(request, tmp_path):
    if request.param == "sqlite":
        if connection.vendor == "postgresql":
            pytest.skip("the SQLite run of the suite covers a fresh SQLite install")
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    import psycopg

    db = settings.DATABASES["default"]
    name = f"fresh_install_{uuid.uuid4().hex[:8]}"
    params = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "password": db["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        yield f"postgres://{db['USER']}{password}@{db['HOST']}:{params['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_one_migrate_gives_each_group_exactly_its_permissions(fresh_database_url, tmp_path):
    env = _env(fresh_database_url, tmp_path)
    _run(env, "migrate", "--noinput", "-v", "0")
    after_one = _result(_run(env, "shell", "-c", CHECK))

    users = after_one["users"]
    assert users["Communications"] == {
        "publish_testimonial": True, "change_testimonial": True, "edit_story": True, "publish_story": True,
        "view_donor": False, "change_donor": False, "access_admin": True,
    }  # fmt: skip
    assert users["Fundraising"] == {
        "publish_testimonial": False, "change_testimonial": False, "edit_story": False, "publish_story": False,
        "view_donor": True, "change_donor": True, "access_admin": True,
    }  # fmt: skip
    # Wagtail's unused defaults are gone: staff see their two groups and no approval step.
    assert sorted(after_one["groups"]) == ["Communications", "Fundraising"]
    assert after_one["workflows"] == 0

    # A second migrate (what used to repair a fresh install) changes nothing any more.
    _run(env, "migrate", "--noinput", "-v", "0")
    assert _result(_run(env, "shell", "-c", SNAPSHOT)) == after_one["groups"]
