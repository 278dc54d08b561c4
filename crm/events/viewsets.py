"""The "Events" menu: events with their answers and waiting list, sending invitations (with a
confirmation), cancelling, and the check-in list for the door (a phone, no JavaScript needed).
Views stay thin: every change is a call into crm.events.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from crm.events.models import Event, EventInvitation
from crm.events.selectors import answer_counts, check_in_list, seats_left, seats_taken, waiting_list
from crm.events.services import (
    EventError,
    audience_donors,
    event_cancel,
    event_check_in,
    event_check_in_undo,
    event_invite,
    event_promote_waiting,
)
from crm.inspect_views import ReadableInspectView

permission_policy = ModelPermissionPolicy(Event)
Answer = EventInvitation.Answer

EVENT_FIELDS = [
    "title",
    "title_en",
    "description",
    "description_en",
    "starts_at",
    "ends_at",
    "place",
    "place_en",
    "online_url",
    "capacity",
    "max_guests",
    "audience",
    "is_open",
]


class EventCreateView(generic.CreateView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.created_by = self.request.user
        instance.save()
        return instance

    def get_success_url(self):
        return reverse("crm_events:inspect", args=[self.object.pk])


class EventEditView(generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        # More seats: the waiting list moves up at once (each promoted donor gets an email).
        promoted = event_promote_waiting(event=instance)
        if promoted:
            messages.info(
                self.request, _("%(n)d donor(s) moved up from the waiting list.") % {"n": len(promoted)}
            )
        return instance


class EventInspectView(ReadableInspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        invitations = list(
            EventInvitation.objects.filter(event=event)
            .exclude(answer=Answer.WAITING)
            .select_related("donor")
            .order_by("answer", "donor__family_name_kana", "pk")[:500]
        )
        context.update(
            event=event,
            counts=[(Answer(k).label, k, n) for k, n in answer_counts(event).items()],
            seats_taken=seats_taken(event),
            seats_left=seats_left(event),
            invitations=invitations,
            waiting=list(waiting_list(event)),
            checked_in=EventInvitation.objects.filter(event=event, checked_in_at__isnull=False).count(),
            can_change=permission_policy.user_has_permission(self.request.user, "change"),
        )
        return context


class EventActionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = permission_policy
    permission_required = "change"
    header_icon = "date"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.event = get_object_or_404(Event, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.event)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("crm_events:index"), "label": _("Events")},
            {"url": reverse("crm_events:inspect", args=[self.event.pk]), "label": str(self.event)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, **kwargs)

    def back(self):
        return HttpResponseRedirect(reverse("crm_events:inspect", args=[self.event.pk]))


class EventInviteView(EventActionView):
    template_name = "crm/events/invite.html"
    page_title = _("Send invitations")

    def get_context_data(self, **kwargs):
        audience = audience_donors(self.event)
        already = EventInvitation.objects.filter(event=self.event).values("donor_id")
        return super().get_context_data(to_invite=audience.exclude(pk__in=already).count(), **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            result = event_invite(event=self.event, user=request.user)
        except EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Invited %(n)d donor(s); the emails are on their way.") % {"n": result.invited}
            )
        return self.back()


class EventCancelView(EventActionView):
    template_name = "crm/events/cancel.html"
    page_title = _("Cancel the event")

    def get_context_data(self, **kwargs):
        told = EventInvitation.objects.filter(
            event=self.event, answer__in=[Answer.YES, Answer.WAITING]
        ).count()
        return super().get_context_data(to_tell=told, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            told = event_cancel(event=self.event, user=request.user)
        except EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The event is cancelled; %(n)d donor(s) will be told by email.") % {"n": told}
            )
        return self.back()


class EventCheckInView(EventActionView):
    """The door: search by name or kana, tick. Each tick is a small form, so no JavaScript is needed."""

    template_name = "crm/events/check_in.html"
    page_title = _("Check-in")

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "")
        expected = check_in_list(self.event)
        return super().get_context_data(
            query=query,
            invitations=list(check_in_list(self.event, query=query)[:300]),
            expected=expected.count(),
            arrived=expected.filter(checked_in_at__isnull=False).count(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(EventInvitation, pk=request.POST.get("invitation"), event=self.event)
        if request.POST.get("undo"):
            event_check_in_undo(invitation=invitation)
        elif event_check_in(invitation=invitation, user=request.user):
            messages.success(request, _("%(name)s checked in.") % {"name": invitation.donor.display_name})
        query = request.POST.get("q", "")
        url = reverse("crm_events:check_in", args=[self.event.pk])
        return HttpResponseRedirect(f"{url}?q={query}" if query else url)


class EventViewSet(ModelViewSet):
    model = Event
    icon = "date"
    menu_label = _("Events")
    add_to_admin_menu = True
    menu_order = 270
    form_fields = EVENT_FIELDS
    add_view_class = EventCreateView
    edit_view_class = EventEditView
    inspect_view_class = EventInspectView
    inspect_view_enabled = True
    inspect_template_name = "crm/events/inspect.html"
    list_display = [
        "title",
        DateColumn("starts_at", label=_("Starts")),
        "place",
        "status",
        Column("capacity", label=_("Capacity")),
        "is_open",
    ]
    list_filter = ["status", "is_open"]
    search_fields = ["title", "title_en", "place"]
    search_backend_name = None
    ordering = ["-starts_at"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("invite/<int:pk>/", EventInviteView.as_view(), name="invite"),
            path("cancel/<int:pk>/", EventCancelView.as_view(), name="cancel"),
            path("check-in/<int:pk>/", EventCheckInView.as_view(), name="check_in"),
        ]


def events_menu() -> EventViewSet:
    """The "Events" menu item (a top-level item: events have no sub-pages of their own)."""
    return EventViewSet("crm_events", url_prefix="crm/events")
