"""The Facebook-group invitation queue in the CRM menu.

Three queues ("To invite", "Awaiting answer", "To remove"), each a menu item with its count, a
checkbox table for one-click bulk actions, a status and age filter and a CSV export; the list of
every invitation with its history; and the paste-to-match page for a batch of join requests.
Views stay thin: every change is a call into crm.community.services.
"""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from crm.community import services
from crm.community.models import FacebookGroupInvitation
from crm.community.selectors import (
    invitation_join_codes,
    invitation_queue,
    invitation_queue_count,
    invitations_matching,
    invitations_unchanged_for,
)
from crm.exports import PeopleSpreadsheetMixin, csv_response
from crm.inspect_views import ReadableInspectView

Status = FacebookGroupInvitation.Status
permission_policy = ModelPermissionPolicy(FacebookGroupInvitation)


# --- queues -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    statuses: tuple[str, ...]
    #: (action, button label): "send" sends invitations, the others are services.BULK_MARKS keys.
    actions: tuple[tuple[str, str], ...]
    age_field: str
    intro: str


QUEUES = {
    "to_invite": Queue(
        "to_invite",
        _("To invite"),
        (Status.ELIGIBLE,),
        (
            ("send", _("Send invitation email")),
            ("joined", _("Mark joined")),
            ("declined", _("Mark declined")),
        ),
        "status_changed_at",
        _("Monthly members and donors added by hand who have not been sent the group link yet."),
    ),
    "awaiting": Queue(
        "awaiting",
        _("Awaiting answer"),
        (Status.INVITED, Status.REMINDED),
        (("joined", _("Mark joined")), ("declined", _("Mark declined"))),
        "invited_at",
        _(
            "Invited donors whose join request has not been approved yet. Use “Match join requests” for a batch."
        ),
    ),
    "to_remove": Queue(
        "to_remove",
        _("To remove"),
        (Status.REMOVAL_DUE,),
        (("removed", _("Mark removed from the group")),),
        "removal_due_at",
        _("Membership ended: remove these people from the Facebook group, then mark them removed."),
    ),
}

EXPORT_FIELDS = [
    ("join_code", _("Join code")),
    ("status", _("Status")),
    ("donor_id", _("Donor number")),
    ("name", _("Name")),
    ("email", pgettext_lazy("email address", "Email")),
    ("language", _("Language")),
    ("manual", _("By hand")),
    ("created_at", _("Added")),
    ("invited_at", _("Invitation sent")),
    ("reminded_at", _("Reminder sent")),
    ("joined_at", _("Joined on")),
    ("removal_due_at", _("Removal due")),
    ("last_error", _("Last error")),
]


def _export_row(invitation: FacebookGroupInvitation) -> list:
    donor = invitation.donor
    computed = {
        "status": invitation.get_status_display(),
        "name": donor.display_name,
        "email": donor.email,
        "language": donor.get_preferred_language_display(),
    }
    return [
        computed[name] if name in computed else getattr(invitation, name) for name, _heading in EXPORT_FIELDS
    ]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    older_than_days = forms.IntegerField(label=_("Waiting at least (days)"), required=False, min_value=0)
    q = forms.CharField(label=_("Name, email or code"), required=False)

    def __init__(self, *args, queue: Queue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + [(s, Status(s).label) for s in queue.statuses]


class InvitationQueueView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = permission_policy
    permission_required = "view"
    template_name = "crm/community/queue.html"
    header_icon = "group"
    queue: Queue | None = None
    url_namespace = ""

    #: A page of the queue: short enough that the bulk buttons and the last row stay close.
    per_page = 50

    def get_page_title(self):
        return _("Facebook group: %(queue)s") % {"queue": self.queue.label}

    def get_breadcrumbs_items(self):
        # Without its own crumb the slim header titles the page with the last one: 「ホーム」.
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_queryset(self):
        qs = invitation_queue(statuses=self.queue.statuses, age_field=self.queue.age_field)
        form = QueueFilterForm(self.request.GET or None, queue=self.queue)
        self.filter_form = form
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            if data["status"]:
                qs = qs.filter(status=data["status"])
            if data["older_than_days"] is not None:
                qs = invitations_unchanged_for(qs, days=data["older_than_days"], field=self.queue.age_field)
            if data["q"].strip():
                qs = invitations_matching(qs, data["q"])
        return qs

    def get(self, request, *args, **kwargs):
        invitations = self.get_queryset()
        if request.GET.get("export") == "csv":
            return self.export_csv(invitations)
        return super().get(request, *args, **kwargs)

    def export_csv(self, invitations):
        return csv_response(
            filename=f"facebook-group-{self.queue.slug}",
            headings=[heading for _name, heading in EXPORT_FIELDS],
            rows=(_export_row(invitation) for invitation in invitations.iterator(chunk_size=2000)),
            request=self.request,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = WagtailPaginator(self.get_queryset(), self.per_page)
        page = paginator.get_page(self.request.GET.get("p"))
        query = self.request.GET.copy()
        query.pop("p", None)
        query["export"] = "csv"
        context.update(
            queue=self.queue,
            invitations=page.object_list,
            page_obj=page,
            elided_page_range=paginator.get_elided_page_range(page.number),
            total=paginator.count,
            filter_form=self.filter_form,
            export_url=f"?{query.urlencode()}",
            can_change=permission_policy.user_has_permission(self.request.user, "change"),
            paste_url=reverse("crm_facebook_group:paste"),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not permission_policy.user_has_permission(request.user, "change"):
            messages.error(request, _("You may look at the queue but not change it."))
            return HttpResponseRedirect(request.path)
        action = request.POST.get("action")
        ids = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
        allowed = dict(self.queue.actions)
        if action not in allowed or not ids:
            messages.warning(request, _("Select at least one invitation and an action."))
            return HttpResponseRedirect(request.get_full_path())
        if action == "send":
            result = services.invitations_send_many(invitation_ids=ids, user=request.user)
            if result.changed:
                messages.success(request, _("Sent %(n)d invitation(s).") % {"n": len(result.changed)})
            codes = invitation_join_codes(invitation_ids=result.failed)
            for pk, error in result.failed.items():
                messages.error(
                    request, _("%(code)s not sent: %(error)s") % {"code": codes.get(pk), "error": error}
                )
        else:
            result = services.invitations_mark_many(invitation_ids=ids, mark=action, user=request.user)
            messages.success(
                request,
                _("%(action)s: %(n)d invitation(s).") % {"action": allowed[action], "n": len(result.changed)},
            )
        if result.skipped:
            messages.warning(
                request,
                _("%(n)d invitation(s) had changed meanwhile and were left as they are.")
                % {"n": len(result.skipped)},
            )
        return HttpResponseRedirect(request.get_full_path())


class QueueMenuItem(MenuItem):
    """The queue's label with its count, for people allowed to see the queue.

    The menu is drawn on every admin page: the counts come from crm.community.selectors (cached).
    """

    def __init__(self, *args, statuses: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.statuses = statuses

    def is_shown(self, request):
        return permission_policy.user_has_permission(request.user, "view")

    def render_component(self, request):
        # A new component per request: the menu item is shared by every request (and thread), and
        # the label is translated into each user's admin language.
        count = invitation_queue_count(statuses=self.statuses)
        label = f"{self.label} ({count})" if count else str(self.label)
        return LinkMenuItemComponent(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


def _queue_menu_label_text(queue_label) -> str:
    return _("Facebook: %(queue)s") % {"queue": queue_label}


_queue_menu_label = lazy(_queue_menu_label_text, str)


class InvitationQueueViewSet(ViewSet):
    icon = "group"

    def __init__(self, queue: Queue, **kwargs):
        self.queue = queue
        super().__init__(
            name=f"crm_fb_{queue.slug}",
            url_prefix=f"crm/facebook-group/{queue.slug.replace('_', '-')}",
            **kwargs,
        )
        # Lazy: interpolating now would fix the label in the language active at import time.
        self.menu_label = _queue_menu_label(queue.label)

    @property
    def index_view(self):
        return InvitationQueueView.as_view(queue=self.queue, url_namespace=self.url_namespace)

    def get_urlpatterns(self):
        return [path("", self.index_view, name="index")]

    def get_menu_item(self, order=None):
        return QueueMenuItem(
            label=self.menu_label,
            url=self.menu_url,
            name=f"facebook-{self.queue.slug}",
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
            statuses=self.queue.statuses,
        )


# --- every invitation, adding by hand, paste-to-match ---------------------------------------------------


class InvitationFilterSet(WagtailFilterSet):
    older_than_days = django_filters.NumberFilter(
        label=_("Status unchanged for at least (days)"), method="filter_age"
    )

    class Meta:
        model = FacebookGroupInvitation
        fields = ["status", "manual", "closed_reason"]

    def filter_age(self, queryset, name, value):
        if value is None:
            return queryset
        return invitations_unchanged_for(queryset, days=int(value))


class InvitationIndexView(PeopleSpreadsheetMixin, generic.IndexView):
    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return invitations_matching(queryset, self.search_query)


class InvitationCreateView(generic.CreateView):
    """Adding by hand goes through the service, so the invitation gets its code, event and log entry."""

    def save_instance(self):
        return services.invitation_add_manually(donor=self.form.cleaned_data["donor"], user=self.request.user)


class InvitationInspectView(ReadableInspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = self.object.events.select_related("by_user")[:200]
        return context


class PasteForm(forms.Form):
    lines = forms.CharField(
        label=_("Join requests"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One per line: the join code the person gave, or their name as Facebook shows it."),
    )


class PasteToMatchView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = permission_policy
    permission_required = "change"
    template_name = "crm/community/paste.html"
    page_title = _("Match join requests")
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=PasteForm()))

    def post(self, request, *args, **kwargs):
        if request.POST.get("confirm") == "yes":
            ids = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
            result = services.invitations_mark_many(invitation_ids=ids, mark="joined", user=request.user)
            messages.success(request, _("Marked %(n)d invitation(s) joined.") % {"n": len(result.changed)})
            if result.skipped:
                messages.warning(
                    request,
                    _("%(n)d had changed meanwhile and were left as they are.") % {"n": len(result.skipped)},
                )
            return HttpResponseRedirect(reverse("crm_fb_awaiting:index"))
        form = PasteForm(request.POST)
        lines = services.invitations_match_paste(text=form.cleaned_data["lines"]) if form.is_valid() else []
        counts: dict[str, int] = {}
        for line in lines:
            counts[line.outcome] = counts.get(line.outcome, 0) + 1
        return self.render_to_response(
            self.get_context_data(
                form=form, lines=lines, counts=counts, matched=[x for x in lines if x.matched]
            )
        )


#: An invitation's story after its code and status: exported and shown on its record page alike.
INVITATION_HISTORY_FIELDS = (
    "manual",
    "closed_reason",
    "created_at",
    "invited_at",
    "reminded_at",
    "joined_at",
    "removal_due_at",
    "removed_at",
    "last_error",
)


class FacebookGroupInvitationViewSet(ModelViewSet):
    model = FacebookGroupInvitation
    icon = "group"
    menu_label = _("Facebook: all invitations")
    add_to_admin_menu = False
    filterset_class = InvitationFilterSet
    index_view_class = InvitationIndexView
    add_view_class = InvitationCreateView
    inspect_view_class = InvitationInspectView
    inspect_view_enabled = True
    inspect_template_name = "crm/community/inspect.html"
    search_fields = ["join_code"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        "join_code",
        Column("donor", label=_("Donor"), sort_key="donor__family_name_kana"),
        "status",
        BooleanColumn("manual", label=_("By hand"), sort_key="manual"),
        DateColumn("invited_at", label=_("Invited"), sort_key="invited_at"),
        DateColumn("status_changed_at", label=_("Status changed"), sort_key="status_changed_at"),
        Column("last_error", label=_("Last error")),
    ]
    list_export = ["join_code", "status", "donor_id", "donor", *INVITATION_HISTORY_FIELDS]
    export_filename = "facebook-group-invitations"
    ordering = ["-status_changed_at"]
    inspect_view_fields = ["donor", "join_code", "status", *INVITATION_HISTORY_FIELDS]

    def get_queryset(self, request):
        return FacebookGroupInvitation.objects.select_related("donor")

    def get_form_class(self, for_update=False):
        # Status only changes through the queue's actions (with history); by hand one adds a donor
        # or flips "added by hand".
        fields = ["manual"] if for_update else ["donor"]
        return forms.modelform_factory(
            self.model, fields=fields, formfield_callback=self.formfield_for_dbfield
        )

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("paste/", self.paste_view, name="paste")]

    @property
    def paste_view(self):
        return PasteToMatchView.as_view()
