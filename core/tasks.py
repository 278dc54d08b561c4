"""The one `task` decorator app code uses: `from core.tasks import task`.

On Django 6.1 `django.tasks` is the framework and `django_tasks_db` builds its database backend on
it. Wagtail 8 still decorates its own tasks with the `django_tasks` backport, but that decorator asks
the configured backend for its Task class, so with Django's own backends in TASKS (the database
backend by default, Django's ImmediateBackend in tests) Wagtail's tasks and ours are the same kind of
Task, go through the same queue and are run by the same `manage.py db_worker`.
"""

from django.tasks import TaskResult, TaskResultStatus, default_task_backend, task

__all__ = ["TaskResult", "TaskResultStatus", "default_task_backend", "task"]
