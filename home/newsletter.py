"""The newsletter sign-up form: /newsletter/ and /en/newsletter/. Works without JavaScript.

The same thank-you page follows whether or not the address was known, so the form cannot be used
to find out who is a supporter. A honeypot field and the shared limiter (core.ratelimit: per visitor
address and per email, counted in the cache every process shares) keep bots out.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core.ratelimit import limit_reached
from crm.mailing.services.newsletter import newsletter_confirms_by_email, newsletter_signup
from home.cache import public_view
from home.same_origin import same_origin_post


class NewsletterForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    email = forms.EmailField(label=pgettext_lazy("email address", "Email"), max_length=254)
    language = forms.ChoiceField(
        label=_("Newsletter language"), choices=[("ja", "日本語"), ("en", "English")]
    )
    # Hidden from people by CSS; bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this empty"))


@same_origin_post
@public_view(reads=())
@require_http_methods(["GET", "POST"])
def newsletter_signup_view(request: HttpRequest) -> HttpResponse:
    language = "en" if get_language() == "en" else "ja"
    context = {"confirms_by_email": newsletter_confirms_by_email()}
    if request.method == "POST":
        form = NewsletterForm(request.POST)
        if limit_reached(request, scope="newsletter", email=str(request.POST.get("email", ""))[:254]):
            context.update(form=form, rate_limited=True)
            return render(request, "home/newsletter_form.html", context, status=429)
        if form.is_valid():
            if not form.cleaned_data["website"]:
                newsletter_signup(
                    email=form.cleaned_data["email"],
                    given_name=form.cleaned_data["given_name"],
                    family_name=form.cleaned_data["family_name"],
                    language=form.cleaned_data["language"],
                )
            return redirect("newsletter_thanks")
    else:
        form = NewsletterForm(initial={"language": language})
    return render(request, "home/newsletter_form.html", {**context, "form": form})


def newsletter_thanks_view(request: HttpRequest) -> HttpResponse:
    # Says what really happens next: Mailchimp's confirmation email, or none yet without Mailchimp.
    return render(
        request, "home/newsletter_thanks.html", {"confirms_by_email": newsletter_confirms_by_email()}
    )
