"""Donor import in the admin: upload a CSV, preview every row, confirm, see the result.

Nothing is written until the fundraiser confirms: the preview is a dry run of the same service
the `import_donors` command uses. Between the two steps the file waits in a private directory
(never under MEDIA_ROOT, which is public), named by a random token that is also kept in the
fundraiser's session, so one user can't confirm another user's upload.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from crm.services.imports import import_donors

IMPORT_PERMISSION = "crm.add_donor"
SESSION_KEY = "crm_donor_imports"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


UPLOAD_MAX_AGE_SECONDS = 24 * 3600


def upload_dir() -> Path:
    path = Path(getattr(settings, "CRM_IMPORT_DIR", "") or Path(tempfile.gettempdir()) / "welgee-crm-imports")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _forget_abandoned_uploads(directory: Path) -> None:
    """Donor lists are personal data: previews nobody confirmed don't stay on disk past a day."""
    cutoff = time.time() - UPLOAD_MAX_AGE_SECONDS
    for old in directory.glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:
            pass


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


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


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


class DonorImportView(DonorImportBase):
    """Step 1 (GET: the upload form) and step 2 (POST: the upload's preview)."""

    template_name = "crm/imports/upload.html"

    def get(self, request):
        return self.render_to_response(self.get_context_data(form=DonorImportForm()))

    def post(self, request):
        form = DonorImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        token = secrets.token_urlsafe(24)
        directory = upload_dir()
        _forget_abandoned_uploads(directory)
        path = directory / f"{token}.csv"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        pending = request.session.get(SESSION_KEY, {})
        pending[token] = upload.name
        request.session[SESSION_KEY] = pending

        with path.open("rb") as stream:
            report = import_donors(stream=stream, filename=upload.name, dry_run=True)
        if report.file_error:
            path.unlink(missing_ok=True)
        self.template_name = "crm/imports/preview.html"
        return self.render_to_response(
            self.get_context_data(
                report=report,
                confirm_form=ConfirmForm(initial={"token": token}),
                page_subtitle=upload.name,
            )
        )


class DonorImportConfirmView(DonorImportBase):
    """Step 3: the fundraiser confirmed the preview; import the file kept since the upload."""

    template_name = "crm/imports/result.html"
    http_method_names = ["post"]

    def post(self, request):
        form = ConfirmForm(request.POST)
        pending = request.session.get(SESSION_KEY, {})
        token = form.data.get("token", "")
        path = upload_dir() / f"{token}.csv"
        if not form.is_valid() or token not in pending or not path.is_file():
            messages.error(
                request, _("That upload has already been imported or has expired. Upload the file again.")
            )
            return redirect("donor_import:index")
        filename = pending.pop(token)
        request.session[SESSION_KEY] = pending
        try:
            with path.open("rb") as stream:
                report = import_donors(stream=stream, filename=filename, user=request.user)
        finally:
            path.unlink(missing_ok=True)
        return self.render_to_response(self.get_context_data(report=report, page_subtitle=filename))


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)


class DonorImportViewSet(ViewSet):
    """The import's two URLs and its menu item, shown only to users who may add donors."""

    name = "donor_import"
    url_prefix = "crm/import"
    icon = "upload"
    menu_label = _("Import donors")
    menu_name = "donor-import"
    menu_item_class = ImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", DonorImportView.as_view(), name="index"),
            path("confirm/", DonorImportConfirmView.as_view(), name="confirm"),
        ]
