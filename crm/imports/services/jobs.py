"""Admin imports as background jobs: upload -> dry run (preview) -> confirm -> import.

The uploaded file waits in the "private" storage (settings.STORAGES: a volume or bucket prefix that
the web containers and the workers share, never served like MEDIA), named by the job's id, and is
deleted once imported or canceled; previews nobody confirmed are forgotten after a day.
Progress is written every few hundred rows so the job page can show it; a failure is kept on the job
with its message, and re-importing the same file is safe (donors are matched by email and gifts by
their reference), so nothing is lost or doubled when the worker stops halfway.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation

from crm.imports.models import DonorImportJob
from crm.imports.services.donors import ImportReport, RowOutcome, import_donors
from crm.imports.signals import import_job_confirmed, import_job_uploaded

logger = logging.getLogger(__name__)

UPLOAD_MAX_AGE_SECONDS = 24 * 3600
PROGRESS_EVERY_ROWS = 500
Stage = DonorImportJob.Stage


UPLOADS_PREFIX = "imports"


def upload_storage() -> Storage:
    return storages["private"]


def job_file(job: DonorImportJob) -> str:
    """The upload's name in the private storage."""
    return f"{UPLOADS_PREFIX}/{job.pk}.csv"


def job_file_exists(job: DonorImportJob) -> bool:
    return upload_storage().exists(job_file(job))


def forget_abandoned_uploads() -> int:
    """Donor lists are personal data: files nobody confirmed don't stay in storage past a day."""
    storage = upload_storage()
    cutoff = time.time() - UPLOAD_MAX_AGE_SECONDS
    removed = 0
    try:
        _dirs, names = storage.listdir(UPLOADS_PREFIX)
    except FileNotFoundError:
        return 0
    for name in names:
        path = f"{UPLOADS_PREFIX}/{name}"
        try:
            if name.endswith(".csv") and storage.get_modified_time(path).timestamp() < cutoff:
                storage.delete(path)
                removed += 1
        except FileNotFoundError:
            pass
    return removed


def import_uploads_forget_donor(*, email: str) -> int:
    """Erasure: an upload still waiting to be checked or confirmed that holds the address is cancelled
    and its file deleted (the erasure's sweep scrubs the previews; the file is not in the database)."""
    if not email:
        return 0
    storage, needle, cancelled = upload_storage(), email.lower().encode("ascii", "ignore"), 0
    for job in DonorImportJob.objects.filter(stage__in=[Stage.CHECKING, Stage.CHECKED]):
        path = job_file(job)
        if not storage.exists(path):
            continue
        with storage.open(path, "rb") as stream:
            holds = needle in stream.read().lower()
        if holds:
            storage.delete(path)
            DonorImportJob.objects.filter(pk=job.pk).update(
                stage=Stage.CANCELED, error="Cancelled: the file held a donor whose data was erased."
            )
            cancelled += 1
    return cancelled


def report_as_json(report: ImportReport) -> dict[str, Any]:
    """What the job page shows of a report; the same names the templates read on the report itself."""
    return {
        **report.summary(),
        "counts": dict(report.counts),
        "total_rows": report.total_rows,
        "rows": [dataclasses.asdict(row) for row in report.rows],
        "error_rows": [dataclasses.asdict(row) for row in report.error_rows],
        "rows_truncated": report.rows_truncated,
        "errors_truncated": report.errors_truncated,
    }


def import_job_start(*, upload: UploadedFile, user) -> DonorImportJob:
    """Keep the upload and queue its dry run."""
    forget_abandoned_uploads()
    job = DonorImportJob.objects.create(filename=upload.name[:255], uploaded_by=user)
    lines, last = 0, b"\n"
    for chunk in upload.chunks():
        lines += chunk.count(b"\n")
        last = chunk[-1:] or last
    upload_storage().save(job_file(job), upload)
    lines += last != b"\n"  # a last line without its newline is still a row
    job.rows_expected = max(lines - 1, 0)  # the header is not a row
    job.save(update_fields=["rows_expected"])
    transaction.on_commit(lambda: import_job_uploaded.send(sender=DonorImportJob, job_id=str(job.pk)))
    return job


def import_job_confirm(*, job: DonorImportJob) -> bool:
    """Start the real import once; a second confirmation (double click, second tab) does nothing."""
    if not job_file_exists(job):
        return False
    started = DonorImportJob.objects.filter(pk=job.pk, stage=Stage.CHECKED).update(
        stage=Stage.IMPORTING, rows_done=0
    )
    if started:
        transaction.on_commit(lambda: import_job_confirmed.send(sender=DonorImportJob, job_id=str(job.pk)))
    return bool(started)


def import_job_cancel(*, job: DonorImportJob) -> bool:
    canceled = DonorImportJob.objects.filter(pk=job.pk, stage=Stage.CHECKED).update(stage=Stage.CANCELED)
    if canceled:
        upload_storage().delete(job_file(job))
    return bool(canceled)


def import_job_check(*, job_id: str) -> None:
    """The dry run: what every row would do, nothing written."""
    _run(job_id=job_id, dry_run=True)


def import_job_run(*, job_id: str) -> None:
    _run(job_id=job_id, dry_run=False)


def _run(*, job_id: str, dry_run: bool) -> None:
    job = DonorImportJob.objects.select_related("uploaded_by").filter(pk=job_id).first()
    expected = Stage.CHECKING if dry_run else Stage.IMPORTING
    if job is None or job.stage != expected:
        return  # canceled, or already handled by an earlier delivery of this task
    path = job_file(job)
    if not upload_storage().exists(path):
        _fail(job, "The uploaded file is no longer there (older than a day?). Upload it again.")
        return

    done = 0

    def progress(outcome: RowOutcome) -> None:
        nonlocal done
        done += 1
        if done % PROGRESS_EVERY_ROWS == 0:
            DonorImportJob.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        # Row errors are stored as text: write them in the language of the fundraiser who will read them.
        with translation.override(_language_of(job.uploaded_by)), upload_storage().open(path, "rb") as stream:
            report = import_donors(
                stream=stream,
                filename=job.filename,
                dry_run=dry_run,
                user=job.uploaded_by,
                on_row=progress,
            )
    except Exception as exc:  # the job page must say what happened, whatever it was
        logger.exception("donor import %s failed", job.pk)
        _fail(job, f"{type(exc).__name__}: {exc}")
        return

    fields: dict[str, Any] = {"rows_done": report.total_rows}
    if dry_run:
        fields.update(preview=report_as_json(report), stage=Stage.CHECKED)
        if report.file_error:
            fields["stage"] = Stage.FAILED
            fields["error"] = report.file_error
            upload_storage().delete(path)
    else:
        fields.update(result=report_as_json(report), stage=Stage.DONE)
        upload_storage().delete(path)
    DonorImportJob.objects.filter(pk=job.pk).update(**fields)


def _language_of(user) -> str:
    """The uploader's admin language (their Wagtail preference), else the site's."""
    try:
        return user.wagtail_userprofile.get_preferred_language() or settings.LANGUAGE_CODE
    except (AttributeError, ObjectDoesNotExist):
        return settings.LANGUAGE_CODE


def _fail(job: DonorImportJob, message: str) -> None:
    DonorImportJob.objects.filter(pk=job.pk).update(stage=Stage.FAILED, error=message[:2000])
