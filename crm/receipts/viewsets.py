"""The Receipts menu of the admin: receipts (search, filters, PDF, reissue, void), annual runs with
their progress, print batches (PDF and the list of who is in them), the thank-you queue with letters,
and the personal thanks due within 72 hours. Settings → Receipts holds the texts, seal and signatory.
"""

from __future__ import annotations

import csv
import datetime

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from crm.giving.models import Donation
from crm.receipts import selectors, services
from crm.receipts.models import AnnualReceiptRun, PersonalThanks, PrintBatch, Receipt


class KeptRecordsPolicy(ModelPermissionPolicy):
    """Receipts, runs, batches and thanks are records of what was issued and sent: never deleted."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return action != "delete" and super().user_has_permission_for_instance(user, action, instance)


class _ToInspect(PermissionCheckedMixin, TemplateView):
    """Where Wagtail's listing links "edit": these records are not edited, so it opens the inspect view."""

    permission_required = "view"
    namespace = ""

    def get(self, request, pk):
        return redirect(f"{self.namespace}:inspect", pk)


def _pdf(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


# --- receipts ----------------------------------------------------------------------------------------------


class ReceiptFilterSet(WagtailFilterSet):
    issued_on = django_filters.DateFromToRangeFilter(label=_("Issued"), widget=DateRangePickerWidget)
    year = django_filters.NumberFilter(label=_("Year of the gift(s)"))

    class Meta:
        model = Receipt
        fields = ["kind", "status", "delivery", "purpose", "language", "issued_on", "year", "print_batch"]


class ReceiptInspectView(generic.InspectView):
    def get_header_buttons(self):
        buttons = [
            HeaderButton(
                _("Download PDF"),
                url=reverse("crm_receipt:pdf", args=[quote(self.object.pk)]),
                icon_name="download",
            )
        ]
        if not self.object.is_voided and self.permission_policy.user_has_permission(
            self.request.user, "change"
        ):
            buttons += [
                HeaderButton(
                    _("Reissue"),
                    url=reverse("crm_receipt:reissue", args=[quote(self.object.pk)]),
                    icon_name="rotate",
                ),
                HeaderButton(
                    _("Void"),
                    url=reverse("crm_receipt:void", args=[quote(self.object.pk)]),
                    icon_name="cross",
                ),
            ]
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dispatches"] = self.object.dispatches.all()
        return context


class ReceiptPdfView(PermissionCheckedMixin, TemplateView):
    permission_policy = ModelPermissionPolicy(Receipt)
    permission_required = "view"

    def get(self, request, pk):
        receipt = get_object_or_404(Receipt, pk=pk)
        return _pdf(services.receipt_pdf(receipt), f"{receipt.number}.pdf", inline=True)


class ReissueForm(forms.Form):
    send_email = forms.BooleanField(
        label=_("Email the reissued receipt to the donor"), required=False, initial=True
    )


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)
    confirm = forms.BooleanField(label=_("I understand a voided receipt cannot be used again"))


class _ReceiptOperationView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = ModelPermissionPolicy(Receipt)
    permission_required = "change"
    template_name = "crm/receipts/confirm.html"
    header_icon = "doc-full"
    form_class: type[forms.Form] = forms.Form

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(Receipt.objects.select_related("donor"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.object.number} · {self.object.recipient_name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(receipt=self.object, form=kwargs.get("form") or self.form_class(), intro=self.intro)
        return context

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            self.perform(form.cleaned_data)
        except services.ReceiptError as exc:
            messages.error(request, str(exc))
        return redirect("crm_receipt:inspect", quote(self.object.pk))


class ReceiptReissueView(_ReceiptOperationView):
    page_title = _("Reissue receipt")
    form_class = ReissueForm
    intro = _(
        "The receipt is printed again with the same number and marked 再発行 (Reissued). Use it when a "
        "donor lost theirs; nothing on it changes."
    )

    def perform(self, data):
        receipt = services.receipt_reissue(receipt=self.object, user=self.request.user)
        if data.get("send_email") and receipt.donor.email:
            services._enqueue_email(receipt.pk)
            messages.success(
                self.request, _("Reissued %(number)s and queued the email.") % {"number": receipt.number}
            )
        else:
            messages.success(self.request, _("Reissued %(number)s.") % {"number": receipt.number})


class ReceiptVoidView(_ReceiptOperationView):
    page_title = _("Void receipt")
    form_class = VoidForm
    intro = _(
        "A voided receipt keeps its number and contents and is printed with 取消 (Void) across it. "
        "It cannot be undone; issue a new receipt if needed."
    )

    def perform(self, data):
        services.receipt_void(receipt=self.object, reason=data["reason"], user=self.request.user)
        messages.success(self.request, _("Voided %(number)s.") % {"number": self.object.number})


class ReceiptViewSet(ModelViewSet):
    model = Receipt
    icon = "doc-full"
    menu_label = _("Receipts")
    add_to_admin_menu = False
    filterset_class = ReceiptFilterSet
    inspect_view_class = ReceiptInspectView
    inspect_view_enabled = True
    inspect_template_name = "crm/receipts/receipt_inspect.html"
    create_view_enabled = False
    copy_view_enabled = False
    form_fields = ["delivery"]
    search_fields = ["number", "recipient_name"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        Column("number", label=_("Receipt number"), sort_key="number"),
        Column("recipient_name", label=_("Made out to")),
        "kind",
        Column("amount", label=_("Amount"), accessor="amount_display"),
        StatusTagColumn("status", label=_("Status"), primary=False),
        "delivery",
        DateColumn("issued_on", label=_("Issued"), sort_key="issued_on"),
    ]
    list_export = [
        "number",
        "kind",
        "status",
        "donor_id",
        "recipient_name",
        "amount",
        "currency",
        "year",
        "issued_on",
        "delivery",
        "reissue_count",
    ]
    export_filename = "receipts"
    ordering = ["-issued_on", "-pk"]
    inspect_view_fields = [
        "number",
        "kind",
        "status",
        "donor",
        "donation",
        "recipient_name",
        "to_company",
        "amount",
        "purpose",
        "year",
        "received_on",
        "issued_on",
        "language",
        "delivery",
        "print_batch",
        "reissue_count",
        "reissued_at",
        "voided_at",
        "void_reason",
        "replaces",
    ]

    def get_queryset(self, request):
        return selectors.receipts_for_admin()

    def get_urlpatterns(self):
        return [
            *[p for p in super().get_urlpatterns() if p.name != "edit"],
            path(
                "edit/<str:pk>/",
                _ToInspect.as_view(permission_policy=self.permission_policy, namespace=self.name),
                name="edit",
            ),
            path("pdf/<str:pk>/", ReceiptPdfView.as_view(), name="pdf"),
            path("reissue/<str:pk>/", ReceiptReissueView.as_view(), name="reissue"),
            path("void/<str:pk>/", ReceiptVoidView.as_view(), name="void"),
        ]


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


class AnnualRunInspectView(generic.InspectView):
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


class AnnualRunViewSet(ModelViewSet):
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


# --- print batches -------------------------------------------------------------------------------------------


class PrintBatchIndexView(generic.IndexView):
    def get_header_buttons(self):
        buttons = super().get_header_buttons()
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            waiting = services.receipts_waiting_for_post().count()
            buttons.append(
                HeaderButton(
                    _("New batch from %(n)d waiting") % {"n": waiting},
                    url=reverse("crm_print_batch:add"),
                    icon_name="plus",
                )
            )
        return buttons


class PrintBatchCreateView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Gathers every receipt waiting for the post into a new batch, after a confirmation."""

    permission_policy = ModelPermissionPolicy(PrintBatch)
    permission_required = "add"
    template_name = "crm/receipts/confirm.html"
    page_title = _("New print batch")
    header_icon = "print"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        waiting = services.receipts_waiting_for_post().count()
        context.update(
            form=forms.Form(),
            intro=_(
                "%(n)d receipt(s) are waiting to go by post. They become one batch: one PDF, one receipt a page, in postal-code order."
            )
            % {"n": waiting},
        )
        return context

    def post(self, request):
        batch = services.print_batch_create(user=request.user)
        if batch is None:
            messages.warning(request, _("No receipt is waiting for the post."))
            return redirect("crm_print_batch:index")
        messages.success(request, _("Batch with %(n)d page(s) made.") % {"n": batch.page_count})
        return redirect("crm_print_batch:inspect", quote(batch.pk))


class PrintBatchInspectView(generic.InspectView):
    def get_header_buttons(self):
        return [
            HeaderButton(
                _("Download PDF"),
                url=reverse("crm_print_batch:pdf", args=[quote(self.object.pk)]),
                icon_name="download",
            ),
            HeaderButton(
                _("Download list (CSV)"),
                url=reverse("crm_print_batch:csv", args=[quote(self.object.pk)]),
                icon_name="download",
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["batch_receipts"] = services.postal_order(self.object.receipts.all())[:1000]
        return context


class PrintBatchFileView(PermissionCheckedMixin, TemplateView):
    permission_policy = ModelPermissionPolicy(PrintBatch)
    permission_required = "view"
    as_csv = False

    def get(self, request, pk):
        batch = get_object_or_404(PrintBatch, pk=pk)
        if not self.as_csv:
            return _pdf(services.print_batch_pdf(batch), f"print-batch-{batch.pk}.pdf")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="print-batch-{batch.pk}.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 Japanese names only with a BOM
        writer = csv.writer(response)
        writer.writerow(
            [_("Page"), _("Receipt number"), _("Made out to"), _("Postal code"), _("Address"), _("Amount")]
        )
        for page, receipt in enumerate(
            services.postal_order(batch.receipts.all()).iterator(chunk_size=2000), start=1
        ):
            donor = receipt.donor
            writer.writerow(
                [
                    page,
                    receipt.number,
                    receipt.recipient_name,
                    donor.postal_code,
                    donor.address,
                    receipt.amount,
                ]
            )
        return response


class PrintBatchViewSet(ModelViewSet):
    model = PrintBatch
    icon = "print"
    menu_label = _("Print batches")
    add_to_admin_menu = False
    index_view_class = PrintBatchIndexView
    inspect_view_class = PrintBatchInspectView
    inspect_view_enabled = True
    inspect_template_name = "crm/receipts/print_batch_inspect.html"
    copy_view_enabled = False
    form_fields = ["title", "printed_at"]
    list_display = [
        "title",
        "page_count",
        DateColumn("created_at", label=_("Created")),
        DateColumn("printed_at", label=_("Marked printed")),
    ]
    inspect_view_fields = ["title", "page_count", "created_at", "created_by", "printed_at"]

    def get_urlpatterns(self):
        return [
            *[p for p in super().get_urlpatterns() if p.name != "add"],
            path("new/", PrintBatchCreateView.as_view(), name="add"),
            path("pdf/<str:pk>/", PrintBatchFileView.as_view(), name="pdf"),
            path("csv/<str:pk>/", PrintBatchFileView.as_view(as_csv=True), name="csv"),
        ]


# --- thanks ------------------------------------------------------------------------------------------------


class ThankYouQueueView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Gifts still to thank, oldest first: mark them thanked (letter, call, email) or not to thank, and
    print the letters (one a page, each in the donor's language) for the ones selected."""

    permission_policy = ModelPermissionPolicy(Donation)
    permission_required = "view"
    template_name = "crm/receipts/thank_you_queue.html"
    page_title = _("To thank")
    header_icon = "mail"
    ACTIONS = (
        ("letters", _("Print letters (PDF)")),
        (Donation.ThankYouStatus.LETTER, _("Mark thanked by letter")),
        (Donation.ThankYouStatus.CALL, _("Mark thanked by call")),
        (Donation.ThankYouStatus.EMAIL, _("Mark thanked by email")),
        (Donation.ThankYouStatus.DO_NOT_THANK, _("Do not thank")),
    )

    def get_queryset(self):
        qs = services.thank_you_queue()
        method = self.request.GET.get("method", "")
        if method in Donation.Method.values:
            qs = qs.filter(method=method)
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        qs = self.get_queryset()
        gifts = list(qs[:500])
        counts = selectors.thank_you_counts()
        context.update(
            gifts=gifts,
            total=qs.count(),
            status_counts=[(label, counts.get(value, 0)) for value, label in Donation.ThankYouStatus.choices],
            methods=Donation.Method.choices,
            method=self.request.GET.get("method", ""),
            actions=self.ACTIONS,
            can_change=self.permission_policy.user_has_permission(self.request.user, "change"),
            personal_thanks_url=reverse("crm_personal_thanks:index"),
        )
        return context

    def post(self, request, *args, **kwargs):
        ids = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
        action = request.POST.get("action", "")
        if not ids or action not in dict(self.ACTIONS):
            messages.warning(request, _("Select at least one gift and an action."))
            return HttpResponseRedirect(request.get_full_path())
        if action == "letters":
            gifts = list(
                Donation.objects.filter(pk__in=ids)
                .select_related("donor__company")
                .order_by("received_at", "pk")
            )
            return _pdf(services.thank_you_letters_pdf(donations=gifts), "thank-you-letters.pdf")
        if not self.permission_policy.user_has_permission(request.user, "change"):
            messages.error(request, _("You may look at the queue but not change it."))
            return HttpResponseRedirect(request.get_full_path())
        changed = services.thank_you_mark(donation_ids=ids, status=action, user=request.user)
        messages.success(request, _("%(n)d gift(s) updated.") % {"n": changed})
        return HttpResponseRedirect(request.get_full_path())


class ThankYouQueueViewSet(ViewSet):
    name = "crm_thank_you"
    url_prefix = "crm/receipts/to-thank"
    icon = "mail"
    menu_label = _("To thank")

    def get_urlpatterns(self):
        return [path("", ThankYouQueueView.as_view(), name="index")]


class PersonalThanksFilterSet(WagtailFilterSet):
    open = django_filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", label=_("Still to do"))

    class Meta:
        model = PersonalThanks
        fields = ["first_gift", "large_gift", "done_how"]


class PersonalThanksDoneForm(forms.ModelForm):
    done_how = forms.ChoiceField(label=_("How"), choices=PersonalThanks.How.choices)

    class Meta:
        model = PersonalThanks
        fields = ["done_how", "note"]


class PersonalThanksEditView(generic.EditView):
    def save_instance(self):
        return services.personal_thanks_done(
            thanks=self.object,
            how=self.form.cleaned_data["done_how"],
            user=self.request.user,
            note=self.form.cleaned_data["note"],
        )


class PersonalThanksViewSet(ModelViewSet):
    """Call or write within 72 hours of a first or a large gift; the overdue ones come first."""

    def get_form_class(self, for_update=False):
        return PersonalThanksDoneForm

    model = PersonalThanks
    icon = "user"
    menu_label = _("Call or write (72 hours)")
    add_to_admin_menu = False
    filterset_class = PersonalThanksFilterSet
    form_fields = ["done_how", "note"]
    edit_view_class = PersonalThanksEditView
    create_view_enabled = False
    copy_view_enabled = False
    list_display = [
        Column("donation", label=_("Gift"), accessor="donation"),
        Column("donor", label=_("Donor"), accessor="donation.donor"),
        Column("reasons", label=_("Why")),
        DateColumn("due_at", label=_("Due"), sort_key="due_at"),
        DateColumn("done_at", label=_("Done"), sort_key="done_at"),
        "done_how",
    ]
    ordering = ["due_at"]

    def get_queryset(self, request):
        return PersonalThanks.objects.select_related("donation__donor")

    def get_urlpatterns(self):
        return super().get_urlpatterns()


for _model in (Receipt, AnnualReceiptRun, PrintBatch, PersonalThanks):
    register_permission_policy(_model, KeptRecordsPolicy(_model))


class ReceiptsViewSetGroup(ViewSetGroup):
    menu_label = _("Receipts")
    menu_icon = "doc-full"
    menu_order = 260
    items = (
        ReceiptViewSet("crm_receipt", url_prefix="crm/receipts/all"),
        AnnualRunViewSet("crm_annual_run", url_prefix="crm/receipts/annual"),
        PrintBatchViewSet("crm_print_batch", url_prefix="crm/receipts/print"),
        ThankYouQueueViewSet(),
        PersonalThanksViewSet("crm_personal_thanks", url_prefix="crm/receipts/personal-thanks"),
    )
