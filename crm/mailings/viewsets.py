"""The "Mailings" menu: postal mailings (preview with count, finalise, downloads), returned mail, and
the report of addresses post cannot reach. Views stay thin: every change is a call into services.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from crm.donors.models import Donor
from crm.exports import export_logged
from crm.inspect_views import ReadableInspectView
from crm.mailings.models import Mailing, ReturnedMail
from crm.mailings.pdf import LABEL_SHEETS, labels_pdf, letters_pdf
from crm.mailings.selectors import mailing_pieces, mailing_plan, print_shop_csv, undeliverable_addresses
from crm.mailings.services import (
    MailingError,
    mailing_finalise,
    returned_mail_mark,
    returned_mail_match_paste,
)

mailing_permissions = ModelPermissionPolicy(Mailing)
returned_permissions = ModelPermissionPolicy(ReturnedMail)
PREVIEW_ROWS = 50


class MailingForm(WagtailAdminModelForm):
    picked = forms.CharField(
        label=_("Hand-picked donors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One a line: donor number, email address or full name. Added to the segment's donors."),
    )

    class Meta:
        model = Mailing
        fields = ["title", "kind", "segment", "name_style", "sent_on", "letter_body_ja", "letter_body_en"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["picked"].initial = "\n".join(
                str(pk) for pk in self.instance.picked_donors.values_list("pk", flat=True)
            )

    def clean_picked(self) -> list[Donor]:
        lines = returned_mail_match_paste(text=self.cleaned_data.get("picked") or "")
        unmatched = [line.text for line in lines if not line.matched]
        if unmatched:
            raise forms.ValidationError(
                _("No single donor found for: %(lines)s") % {"lines": ", ".join(unmatched[:10])}
            )
        return [line.donor for line in lines]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("segment") and not cleaned.get("picked") and not self.errors:
            raise forms.ValidationError(_("Choose a segment or pick donors by hand."))
        if cleaned.get("kind") == Mailing.Kind.LETTER and not (cleaned.get("letter_body_ja") or "").strip():
            self.add_error("letter_body_ja", _("A letter needs its text."))
        return cleaned

    def save(self, commit=True):
        mailing = super().save(commit=commit)
        if commit:
            mailing.picked_donors.set(self.cleaned_data["picked"])
        return mailing


class MailingCreateView(generic.CreateView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.created_by = self.request.user
        instance.save()
        instance.picked_donors.set(self.form.cleaned_data["picked"])
        return instance

    def get_success_url(self):
        return reverse("crm_mailings:inspect", args=[self.object.pk])


class MailingEditView(generic.EditView):
    def dispatch(self, request, *args, **kwargs):
        mailing = get_object_or_404(Mailing, pk=kwargs["pk"])
        if mailing.is_final:
            messages.warning(request, _("A final mailing cannot be changed."))
            return HttpResponseRedirect(reverse("crm_mailings:inspect", args=[mailing.pk]))
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return reverse("crm_mailings:inspect", args=[self.object.pk])


class MailingInspectView(ReadableInspectView):
    """The preview: how many pieces and donors, who is left out and why, and the first envelopes."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mailing = self.object
        if mailing.is_final:
            pieces = list(mailing.pieces.all()[:PREVIEW_ROWS])
            context.update(piece_count=mailing.piece_count, donor_count=mailing.donor_count, excluded=[])
        else:
            plan = mailing_plan(mailing)
            pieces = mailing_pieces(mailing)[:PREVIEW_ROWS]
            context.update(
                piece_count=plan.piece_count, donor_count=plan.donor_count, excluded=plan.excluded_counts()
            )
        context.update(
            mailing=mailing,
            pieces=pieces,
            preview_rows=PREVIEW_ROWS,
            label_sheets=sorted(LABEL_SHEETS),
            can_change=mailing_permissions.user_has_permission(self.request.user, "change"),
        )
        return context


class MailingActionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = mailing_permissions
    permission_required = "change"
    header_icon = "mail"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.mailing = get_object_or_404(Mailing, pk=kwargs["pk"])

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("crm_mailings:index"), "label": _("Postal mailings")},
            {"url": reverse("crm_mailings:inspect", args=[self.mailing.pk]), "label": str(self.mailing)},
            {"url": "", "label": self.get_page_title()},
        ]


class MailingFinaliseView(MailingActionView):
    template_name = "crm/mailings/finalise.html"
    page_title = _("Make the mailing final")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = mailing_plan(self.mailing)
        context.update(mailing=self.mailing, piece_count=plan.piece_count, donor_count=plan.donor_count)
        return context

    def post(self, request, *args, **kwargs):
        try:
            mailing = mailing_finalise(mailing=self.mailing, user=request.user)
        except MailingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("“%(title)s” is final: %(pieces)d pieces for %(donors)d donors.")
                % {"title": mailing.title, "pieces": mailing.piece_count, "donors": mailing.donor_count},
            )
        return HttpResponseRedirect(reverse("crm_mailings:inspect", args=[self.mailing.pk]))


class MailingDownloadView(MailingActionView):
    permission_required = "view"
    what = "csv"

    def get(self, request, *args, **kwargs):
        mailing = self.mailing
        if not mailing.is_final:
            messages.warning(request, _("Make the mailing final before printing it."))
            return HttpResponseRedirect(reverse("crm_mailings:inspect", args=[mailing.pk]))
        pieces = list(mailing.pieces.all())
        stem = f"mailing-{mailing.pk}"
        if self.what == "csv":
            body, content_type, name = print_shop_csv(pieces), "text/csv; charset=utf-8", f"{stem}.csv"
        elif self.what == "labels":
            per_sheet = int(kwargs["per_sheet"])
            if per_sheet not in LABEL_SHEETS:
                return HttpResponse(status=404)
            body, content_type = labels_pdf(pieces, per_sheet=per_sheet), "application/pdf"
            name = f"{stem}-labels-{per_sheet}.pdf"
        else:
            day = mailing.sent_on or timezone.localdate()
            body, content_type, name = (
                letters_pdf(mailing, pieces, day=day),
                "application/pdf",
                f"{stem}-letters.pdf",
            )
        # Names and addresses leave the CRM with every one of these files: each download is in the audit log.
        export_logged(request=request, what=name, export_format=name.rsplit(".", 1)[-1])
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class MailingViewSet(ModelViewSet):
    model = Mailing
    icon = "mail"
    menu_label = _("Postal mailings")
    form_fields = ["title", "kind", "segment", "name_style", "sent_on", "letter_body_ja", "letter_body_en"]
    add_view_class = MailingCreateView
    edit_view_class = MailingEditView
    inspect_view_class = MailingInspectView
    inspect_view_enabled = True
    inspect_template_name = "crm/mailings/inspect.html"
    list_display = [
        "title",
        "kind",
        "status",
        Column("piece_count", label=_("Pieces")),
        DateColumn("sent_on", label=_("Posting date")),
        DateColumn("created_at", label=_("Created")),
    ]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    search_backend_name = None
    ordering = ["-created_at"]

    def get_form_class(self, for_update=False):
        return MailingForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("finalise/<int:pk>/", MailingFinaliseView.as_view(), name="finalise"),
            path("csv/<int:pk>/", MailingDownloadView.as_view(what="csv"), name="csv"),
            path(
                "labels/<int:pk>/<int:per_sheet>/", MailingDownloadView.as_view(what="labels"), name="labels"
            ),
            path("letters/<int:pk>/", MailingDownloadView.as_view(what="letters"), name="letters"),
        ]


# --- returned mail -------------------------------------------------------------------------------------


class ReturnedPasteForm(forms.Form):
    lines = forms.CharField(
        label=_("Returned post"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("One a line: the donor number, email address or full name on the returned envelope."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


class ReturnedMailPasteView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = returned_permissions
    permission_required = "add"
    template_name = "crm/mailings/returned_paste.html"
    page_title = _("Mark returned mail")
    header_icon = "mail"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ReturnedPasteForm()))

    def post(self, request, *args, **kwargs):
        if request.POST.get("confirm") == "yes":
            ids = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
            donors = list(Donor.objects.filter(pk__in=ids, erased_at__isnull=True))
            marked = returned_mail_mark(donors=donors, user=request.user, note=request.POST.get("note", ""))
            messages.success(request, _("Marked returned mail for %(n)d donor(s).") % {"n": marked})
            return HttpResponseRedirect(reverse("crm_returned_mail:index"))
        form = ReturnedPasteForm(request.POST)
        lines = returned_mail_match_paste(text=form.cleaned_data["lines"]) if form.is_valid() else []
        return self.render_to_response(
            self.get_context_data(form=form, lines=lines, matched=[x for x in lines if x.matched])
        )


class ReturnedMailViewSet(ModelViewSet):
    model = ReturnedMail
    icon = "warning"
    menu_label = _("Returned mail")
    add_to_admin_menu = False
    list_display = [
        Column("donor", label=_("Donor")),
        "note",
        DateColumn("marked_at", label=_("Marked")),
    ]
    search_fields = ["note"]
    search_backend_name = None
    form_fields = ["note"]
    ordering = ["-marked_at"]

    def get_queryset(self, request):
        return ReturnedMail.objects.select_related("donor")

    def get_urlpatterns(self):
        # Marking goes through the paste page (it records the address the post came back from).
        patterns = [p for p in super().get_urlpatterns() if getattr(p, "name", "") != "add"]
        return [*patterns, path("add/", ReturnedMailPasteView.as_view(), name="add")]


# --- addresses post cannot reach -----------------------------------------------------------------------


class AddressReportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = mailing_permissions
    permission_required = "view"
    template_name = "crm/mailings/address_report.html"
    page_title = _("Addresses post cannot reach")
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = undeliverable_addresses()
        page = Paginator(rows, 100).get_page(self.request.GET.get("p"))
        context.update(rows=page, total=len(rows))
        return context


class AddressReportViewSet(ViewSet):
    icon = "warning"
    menu_label = _("Address check")
    name = "crm_address_report"
    url_prefix = "crm/mailings/address-check"

    def get_urlpatterns(self):
        return [path("", AddressReportView.as_view(), name="index")]


class MailingsMenu(ViewSetGroup):
    menu_label = _("Mailings")
    menu_icon = "mail"
    menu_order = 260
    items = (
        MailingViewSet("crm_mailings", url_prefix="crm/mailings"),
        ReturnedMailViewSet("crm_returned_mail", url_prefix="crm/mailings/returned"),
        AddressReportViewSet(),
    )


# --- the donor form's postal-code lookup -----------------------------------------------------------------


def postal_code_lookup(request):
    """Prefecture and city for a postal code, for the donor form's small script (saving fills them too)."""
    from django.http import JsonResponse

    from crm.mailings.selectors import postal_area

    if not request.user.has_perm("crm.change_donor") and not request.user.has_perm("crm.add_donor"):
        return JsonResponse({"error": "forbidden"}, status=403)
    area = postal_area(request.GET.get("code", ""))
    if area is None:
        return JsonResponse({"found": False})
    return JsonResponse({"found": True, "prefecture": area.prefecture, "city": area.city, "town": area.town})
