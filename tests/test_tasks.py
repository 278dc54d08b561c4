"""Background tasks: one queue for Wagtail's tasks and ours, run by `manage.py db_worker`.

The suite runs tasks immediately (cms/settings/test.py); these tests switch to the database backend
that production uses, enqueue, check the row is stored and not yet run, then run the worker command in
batch mode (process everything outstanding, then exit) and check the outcome.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from wagtail.models import Locale, Page
from wagtail.tasks import update_reference_index_task

from core.tasks import TaskResultStatus, default_task_backend, task

ROOT = Path(__file__).resolve().parent.parent
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task()
def write_note(path: str, text: str) -> int:
    """A stand-in for a real task: its side effect is visible outside the worker."""
    Path(path).write_text(text, encoding="utf-8")
    return len(text)


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_suite_runs_tasks_immediately(tmp_path):
    note = tmp_path / "note.txt"
    result = write_note.enqueue(str(note), "immediate")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert note.read_text(encoding="utf-8") == "immediate"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_our_task_is_stored_then_run_by_db_worker(tmp_path):
    note = tmp_path / "note.txt"
    result = write_note.enqueue(str(note), "ありがとう")

    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.task_path == "tests.test_tasks.write_note"
    assert stored.status == TaskResultStatus.READY
    assert not note.exists()

    _run_worker()

    stored.refresh_from_db()
    assert stored.status == TaskResultStatus.SUCCESSFUL
    assert stored.return_value == len("ありがとう")
    assert note.read_text(encoding="utf-8") == "ありがとう"
    assert default_task_backend.get_result(result.id).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_wagtails_own_task_goes_through_the_same_queue():
    # Wagtail 8 decorates with the django_tasks backport; it must still land in our database queue.
    # Transactional tests flush the tables, so the root page from Wagtail's migration may be gone.
    Locale.objects.get_or_create(language_code="ja")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root"))
    result = update_reference_index_task.enqueue("wagtailcore", "page", root.pk)

    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.task_path == "wagtail.tasks.update_reference_index_task"
    assert stored.status == TaskResultStatus.READY

    _run_worker()

    stored.refresh_from_db()
    assert stored.status == TaskResultStatus.SUCCESSFUL, stored.traceback


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_failing_task_is_recorded_as_failed(tmp_path):
    # A directory as the target makes write_text raise inside the worker.
    result = write_note.enqueue(str(tmp_path), "x")
    _run_worker()
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == TaskResultStatus.FAILED
    assert "IsADirectoryError" in stored.exception_class_path


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_db_worker_as_a_separate_process(tmp_path):
    """The worker as it runs in docker compose: its own process, the same database."""
    note = tmp_path / "note.txt"
    result = write_note.enqueue(str(note), "worker process")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        # The settings the compose `worker` service runs with.
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "worker-test-" + "x" * 50,
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": url,
    }
    completed = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL
    assert note.read_text(encoding="utf-8") == "worker process"
