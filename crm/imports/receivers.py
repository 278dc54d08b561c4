"""The import's signal receivers. Connected in crm.apps.CrmConfig.ready()."""

from __future__ import annotations

from crm.imports.services.jobs import import_uploads_forget_donor
from crm.imports.tasks import donor_import_check_task, donor_import_run_task


def check_queue(sender, job_id: str, **kwargs) -> None:
    donor_import_check_task.enqueue(job_id=job_id)


def run_queue(sender, job_id: str, **kwargs) -> None:
    donor_import_run_task.enqueue(job_id=job_id)


def donor_erasing(sender, donor, email: str, **kwargs) -> None:
    import_uploads_forget_donor(email=email)
