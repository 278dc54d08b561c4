"""The thank-you queue (with letters) and the personal thanks due within 72 hours."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from crm.giving.models import Donation
from crm.receipts import selectors, services
from crm.receipts.models import PersonalThanks
from crm.receipts.viewsets.base import KeptRecordsViewSetMixin, _pdf

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


class PersonalThanksViewSet(KeptRecordsViewSetMixin, ModelViewSet):
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
