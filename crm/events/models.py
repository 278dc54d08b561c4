"""Members-only events (and open ones with a public page): invitations, answers, waiting list, check-in.

Answers come through a personal signed link (no login). Seats are 1 + guests per "yes"; when a yes
would not fit, the donor goes on the waiting list, and a freed seat moves the first waiting donor up.
Every email is recorded in EventEmail (one row per invitation and kind) before it is sent, so a
retried task or a second worker never sends it twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("event status", "Draft")
        OPEN = "open", _("Invitations out")
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")

    title = models.CharField(_("title (Japanese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    starts_at = models.DateTimeField(_("starts"), help_text=_("Japan time."))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True, help_text=_("Japan time."))
    place = models.CharField(_("place"), max_length=255, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=255, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Seats, guests included. Empty: no limit.")
    )
    max_guests = models.PositiveSmallIntegerField(_("guests a donor may bring"), default=1)
    audience = models.ForeignKey(
        "crm.Segment",
        verbose_name=_("who is invited"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A segment, e.g. all active monthly members."),
    )
    is_open = models.BooleanField(
        _("open to the public"),
        default=False,
        help_text=_("Anyone may register through the event's public page."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="crm_event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The event cannot end before it starts.")})
        if not self.place and not self.online_url:
            raise ValidationError(_("Give a place, an online link, or both."))

    def title_for(self, language: str) -> str:
        return (self.title_en if language == "en" else "") or self.title

    def description_for(self, language: str) -> str:
        return (self.description_en if language == "en" else "") or self.description

    def place_for(self, language: str) -> str:
        return (self.place_en if language == "en" else "") or self.place

    @property
    def answers_close_at(self) -> datetime.datetime:
        """Personal links work until the event is over."""
        return self.ends_at or self.starts_at + datetime.timedelta(hours=3)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class EventInvitation(models.Model):
    class Answer(models.TextChoices):
        NONE = "none", _("No answer yet")
        YES = "yes", _("Yes")
        NO = "no", _("No")
        MAYBE = "maybe", _("Maybe")
        WAITING = "waiting", _("Waiting list")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("event")
    )
    donor = models.ForeignKey(
        "crm.Donor", on_delete=models.CASCADE, related_name="event_invitations", verbose_name=_("donor")
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, default=Answer.NONE)
    guests = models.PositiveSmallIntegerField(_("guests"), default=0)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    #: When the donor joined the waiting list: the queue's order.
    waitlisted_at = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("event invitation")
        verbose_name_plural = _("event invitations")
        ordering = ["event", "donor__family_name_kana", "donor__given_name_kana", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "donor"], name="crm_eventinvitation_unique"),
        ]
        indexes = [models.Index(fields=["event", "answer", "waitlisted_at"], name="crm_eventinv_queue_idx")]

    def __str__(self) -> str:
        return f"{self.event} — {self.donor}"

    @property
    def seats(self) -> int:
        return 1 + self.guests


class EventEmail(models.Model):
    """An email about an event to one invited donor, recorded before it is sent (sent once)."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        CONFIRMATION = "confirmation", _("Registration confirmed")
        REMINDER = "reminder", _("Reminder")
        PROMOTED = "promoted", _("Place freed up")
        CANCELLED = "cancelled", _("Event cancelled")

    invitation = models.ForeignKey(
        EventInvitation, on_delete=models.CASCADE, related_name="emails", verbose_name=_("invitation")
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=_("kind"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    error = models.TextField(blank=True, verbose_name=_("error"))

    class Meta:
        verbose_name = _("event email")
        verbose_name_plural = _("event emails")
        constraints = [models.UniqueConstraint(fields=["invitation", "kind"], name="crm_eventemail_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.invitation}"


class EventPage(Page):
    """A public page for an open event: details in the page's language and a registration form."""

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        related_name="pages",
        limit_choices_to={"is_open": True},
    )
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("event"), FieldPanel("intro")]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types: list[str] = []
    template = "crm/events/event_page.html"

    class Meta:
        verbose_name = _("open event page")

    # The view that answers a visit: the details, and the registration form's POST. It registers
    # through the events' services, and models import no services, so CrmConfig.ready() sets it to
    # crm.events.views.event_page_serve, beside the receivers it connects.
    serve_view: ClassVar[Callable[..., HttpResponse]]

    def serve(self, request, *args, **kwargs):
        # The page handles its own POST (no global before_serve_page hook).
        return self.serve_view(request, *args, **kwargs)
