"""A donor list uploaded in the admin, checked and imported in the background.

A 100,000-row list takes longer than a web request may last, so the upload becomes a job the worker
runs twice: once as a dry run (the preview), and once for real after the fundraiser confirms. The page
shows the job's progress and keeps working if the fundraiser leaves and comes back.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DonorImportJob(models.Model):
    class Stage(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        CHECKED = "checked", _("Waiting for confirmation")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Canceled")

    RUNNING = (Stage.CHECKING, Stage.IMPORTING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("number"))
    filename = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.CHECKING)
    rows_expected = models.PositiveIntegerField(
        default=0, help_text=_("Lines in the file after the header."), verbose_name=_("rows expected")
    )
    rows_done = models.PositiveIntegerField(default=0, verbose_name=_("rows done"))
    preview = models.JSONField(default=dict, blank=True, verbose_name=_("preview"))
    result = models.JSONField(default=dict, blank=True, verbose_name=_("result"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("donor import")
        verbose_name_plural = _("donor imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_running(self) -> bool:
        return self.stage in self.RUNNING

    @property
    def percent_done(self) -> int:
        if not self.rows_expected:
            return 0
        return min(100, self.rows_done * 100 // self.rows_expected)
