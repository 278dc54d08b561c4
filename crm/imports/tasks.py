"""Background tasks of the admin import: each takes the job's id and calls one service."""

from __future__ import annotations

from core.tasks import task
from crm.imports.services.jobs import import_job_check, import_job_run


@task()
def donor_import_check_task(*, job_id: str) -> None:
    import_job_check(job_id=job_id)


@task()
def donor_import_run_task(*, job_id: str) -> None:
    import_job_run(job_id=job_id)
