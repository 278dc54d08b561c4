"""Donor import in the admin: upload a CSV, watch it being checked, see every row's fate, confirm,
watch it import, see the result.

Both passes run in the background (`crm.imports.services.jobs`): a 100,000-row list takes longer than
a web request may last. The job page refreshes itself while the worker runs (a meta refresh, so it
works without JavaScript) and can be left and reopened from the import page's list of recent imports.
Only the fundraiser who uploaded a list (or a superuser) can see or confirm it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from crm.imports.models import DonorImportJob
from crm.imports.services.jobs import (
    import_job_cancel,
    import_job_confirm,
    import_job_start,
    job_file_exists,
)

IMPORT_PERMISSION = "crm.add_donor"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
REFRESH_SECONDS = 2


class DonorImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 or Shift_JIS (Excel's “CSV”), with a header row in Japanese or English. Donors are "
            "matched by email; rows with an amount and a date also record a donation."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 50 MB; split it or use the import_donors command.")
            )
        return upload


class ImportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DonorImportBase(ImportPermissionMixin, WagtailAdminTemplateMixin, View):
    header_icon = "upload"
    page_title = _("Import donors")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("donor_import:index"), "label": _("Import donors")}]

    def visible_jobs(self):
        jobs = DonorImportJob.objects.select_related("uploaded_by")
        if self.request.user.is_superuser:
            return jobs
        return jobs.filter(uploaded_by=self.request.user)


class DonorImportView(DonorImportBase):
    """The upload form and this fundraiser's recent imports; an upload starts a job."""

    template_name = "crm/imports/upload.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(recent_jobs=self.visible_jobs()[:10], **kwargs)

    def get(self, request):
        return self.render_to_response(self.get_context_data(form=DonorImportForm()))

    def post(self, request):
        form = DonorImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        job = import_job_start(upload=form.cleaned_data["file"], user=request.user)
        return redirect("donor_import:job", job.pk)


class DonorImportJobView(DonorImportBase):
    """One import: progress while the worker runs, then the preview (with confirm) or the result."""

    template_name = "crm/imports/job.html"

    def get(self, request, pk):
        job = get_object_or_404(self.visible_jobs(), pk=pk)
        context = self.get_context_data(
            job=job,
            page_subtitle=job.filename,
            refresh_seconds=REFRESH_SECONDS if job.is_running else None,
            file_kept=job.stage == DonorImportJob.Stage.CHECKED and job_file_exists(job),
        )
        return self.render_to_response(context)


class DonorImportConfirmView(DonorImportBase):
    http_method_names = ["post"]

    def post(self, request, pk):
        job = get_object_or_404(self.visible_jobs(), pk=pk)
        if not import_job_confirm(job=job):
            messages.error(
                request, _("That upload has already been imported or has expired. Upload the file again.")
            )
        return redirect("donor_import:job", job.pk)


class DonorImportCancelView(DonorImportBase):
    http_method_names = ["post"]

    def post(self, request, pk):
        job = get_object_or_404(self.visible_jobs(), pk=pk)
        if import_job_cancel(job=job):
            messages.success(request, _("Import canceled; the uploaded file was deleted."))
        return redirect("donor_import:index")


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)


class DonorImportViewSet(ViewSet):
    """The import's URLs and its menu item, shown only to users who may add donors."""

    name = "donor_import"
    url_prefix = "crm/import"
    icon = "upload"
    menu_label = _("Import donors")
    menu_name = "donor-import"
    menu_item_class = ImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", DonorImportView.as_view(), name="index"),
            path("<uuid:pk>/", DonorImportJobView.as_view(), name="job"),
            path("<uuid:pk>/confirm/", DonorImportConfirmView.as_view(), name="confirm"),
            path("<uuid:pk>/cancel/", DonorImportCancelView.as_view(), name="cancel"),
        ]
