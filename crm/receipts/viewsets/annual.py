"""Annual runs in the admin: start a year's run, follow its progress, resume it after a failure."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from crm.inspect_views import ReadableInspectView
from crm.receipts import selectors, services
from crm.receipts.models import AnnualReceiptRun
from crm.receipts.viewsets.base import KeptRecordsViewSetMixin, _ToInspect

# --- annual runs --------------------------------------------------------------------------------------------


class AnnualRunForm(forms.ModelForm):
    class Meta:
        model = AnnualReceiptRun
        fields = ["year"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year >= timezone.localdate().year:
            raise forms.ValidationError(_("Annual statements are made once a year is over."))
        return year


class AnnualRunCreateView(generic.CreateView):
    def save_instance(self):
        return services.annual_run_start(year=self.form.cleaned_data["year"], user=self.request.user)

    def get_success_message(self, instance):
        return _("The run for %(year)s is queued; its progress shows here.") % {"year": instance.year}


class AnnualRunInspectView(ReadableInspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        stalled = run.status in (
            run.Status.ISSUING,
            run.Status.DELIVERING,
            run.Status.FAILED,
            run.Status.QUEUED,
        ) and (run.updated_at is None or run.updated_at < timezone.now() - datetime.timedelta(minutes=10))
        context.update(
            run=run,
            dispatch_counts=selectors.annual_run_dispatch_counts(run),
            can_resume=stalled and self.permission_policy.user_has_permission(self.request.user, "change"),
            resume_url=reverse("crm_annual_run:resume", args=[quote(run.pk)]),
        )
        return context


class AnnualRunResumeView(PermissionCheckedMixin, TemplateView):
    """POST only: queue the run again; it carries on from its stored progress."""

    permission_policy = ModelPermissionPolicy(AnnualReceiptRun)
    permission_required = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        run = get_object_or_404(AnnualReceiptRun, pk=pk)
        services.annual_run_start(year=run.year, user=run.created_by)
        messages.success(request, _("The run for %(year)s was queued again.") % {"year": run.year})
        return redirect("crm_annual_run:inspect", quote(run.pk))


class AnnualRunViewSet(KeptRecordsViewSetMixin, ModelViewSet):
    def get_form_class(self, for_update=False):
        return AnnualRunForm

    model = AnnualReceiptRun
    icon = "calendar"
    menu_label = _("Annual statements")
    add_to_admin_menu = False
    form_fields = ["year"]
    add_view_class = AnnualRunCreateView
    inspect_view_class = AnnualRunInspectView
    inspect_view_enabled = True
    inspect_template_name = "crm/receipts/annual_run_inspect.html"
    copy_view_enabled = False
    list_display = [
        Column("year", label=_("Year"), sort_key="year"),
        StatusTagColumn("status", label=_("Status"), primary=True),
        Column("percent", label=_("Progress (%)")),
        "donors_total",
        "statements_issued",
        "emails_sent",
        "posted",
        DateColumn("finished_at", label=_("Finished")),
    ]
    inspect_view_fields = [
        "year",
        "status",
        "donors_total",
        "statements_issued",
        "emails_sent",
        "emails_failed",
        "posted",
        "print_batch",
        "created_by",
        "started_at",
        "updated_at",
        "finished_at",
        "error",
    ]

    def get_urlpatterns(self):
        return [
            *[p for p in super().get_urlpatterns() if p.name != "edit"],
            path(
                "edit/<str:pk>/",
                _ToInspect.as_view(permission_policy=self.permission_policy, namespace=self.name),
                name="edit",
            ),
            path("resume/<str:pk>/", AnnualRunResumeView.as_view(), name="resume"),
        ]
