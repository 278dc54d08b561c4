"""Donor-facing event views: the personal answer page (signed link) and the open event page's form.

Both work without JavaScript (a plain form, POST then redirect) and speak the donor's language.
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods

from crm.events.models import EventInvitation, EventPage
from crm.events.selectors import seats_left
from crm.events.services import (
    EventError,
    EventLinkError,
    event_answer,
    event_register_public,
    invitation_from_token,
)

Answer = EventInvitation.Answer


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Will you come?"), widget=forms.RadioSelect)
    guests = forms.TypedChoiceField(label=_("Guests you bring"), coerce=int, initial=0, required=False)

    def __init__(self, *args, invitation: EventInvitation, full: bool, **kwargs):
        super().__init__(*args, **kwargs)
        yes = _("Yes, I will come")
        if full and invitation.answer != Answer.YES:
            yes = _("The event is full: put me on the waiting list")
        self.fields["answer"].choices = [(Answer.YES, yes), (Answer.MAYBE, _("Maybe")), (Answer.NO, _("No"))]
        self.fields["guests"].choices = [(n, str(n)) for n in range(invitation.event.max_guests + 1)]
        if invitation.event.max_guests == 0:
            self.fields["guests"].widget = forms.HiddenInput()


def _language(invitation: EventInvitation) -> str:
    return (
        invitation.donor.preferred_language if invitation.donor.preferred_language in ("ja", "en") else "ja"
    )


@require_http_methods(["GET", "POST"])
def event_answer_view(request, token: str):
    try:
        invitation = invitation_from_token(token)
    except EventLinkError as error:
        return TemplateResponse(
            request, "crm/events/answer_invalid.html", {"message": str(error)}, status=410
        )
    language = _language(invitation)
    with translation.override(language):
        # Rendered here, inside the donor's language (a TemplateResponse would render later, outside it).
        response = _answer_page(request, invitation, language)
        if isinstance(response, TemplateResponse):
            response.render()
        response["Content-Language"] = language
        return response


def _answer_page(request, invitation: EventInvitation, language: str):
    event = invitation.event
    left = seats_left(event)
    full = left is not None and left <= 0
    error = ""
    if request.method == "POST" and not event.is_cancelled:
        form = AnswerForm(request.POST, invitation=invitation, full=full)
        if form.is_valid():
            try:
                event_answer(
                    invitation=invitation,
                    answer=form.cleaned_data["answer"],
                    guests=form.cleaned_data["guests"] or 0,
                )
            except EventError as exc:
                error = str(exc)
            else:
                return HttpResponseRedirect(request.path + "?saved=1")
    else:
        form = AnswerForm(
            initial={
                "answer": Answer.YES if invitation.answer == Answer.WAITING else invitation.answer,
                "guests": invitation.guests,
            },
            invitation=invitation,
            full=full,
        )
    context = {
        "event": event,
        "invitation": invitation,
        "title": event.title_for(language),
        "description": event.description_for(language),
        "place": event.place_for(language),
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at) if event.ends_at else None,
        "form": form,
        "full": full,
        "saved": request.GET.get("saved") == "1",
        "error": error,
        "language": language,
    }
    return TemplateResponse(request, "crm/events/answer.html", context)


class RegisterForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    email = forms.EmailField(label=pgettext_lazy("email address", "Email"))
    guests = forms.TypedChoiceField(label=_("Guests you bring"), coerce=int, initial=0, required=False)

    def __init__(self, *args, max_guests: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guests"].choices = [(n, str(n)) for n in range(max_guests + 1)]


def event_page_serve(page: EventPage, request, *args, **kwargs):
    """The open event page: details and a registration form, handled here (no separate URL)."""
    event = page.event
    language = translation.get_language() or "ja"
    language = "en" if language.startswith("en") else "ja"
    left = seats_left(event)
    registered = None
    error = ""
    closed = event.is_cancelled or timezone.now() > event.answers_close_at
    if request.method == "POST" and not closed:
        form = RegisterForm(request.POST, max_guests=event.max_guests)
        if form.is_valid():
            try:
                registered = event_register_public(
                    event=event,
                    email=form.cleaned_data["email"],
                    family_name=form.cleaned_data["family_name"],
                    given_name=form.cleaned_data["given_name"],
                    language=language,
                    guests=form.cleaned_data["guests"] or 0,
                )
            except EventError as exc:
                error = str(exc)
    else:
        form = RegisterForm(max_guests=event.max_guests)
    context = page.get_context(request, *args, **kwargs)
    context.update(
        {
            "event": event,
            "event_title": event.title_for(language),
            "description": event.description_for(language),
            "place": event.place_for(language),
            "starts_at": timezone.localtime(event.starts_at),
            "ends_at": timezone.localtime(event.ends_at) if event.ends_at else None,
            "seats_left": left,
            "form": form,
            "registered": registered,
            "error": error,
            "closed": closed,
        }
    )
    return TemplateResponse(request, page.get_template(request, *args, **kwargs), context)
