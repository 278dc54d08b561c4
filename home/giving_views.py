"""Pages around a gift that are not the donation page itself: Stripe's return pages and self-service.

Stripe Checkout sends visitors back to the thank-you or the canceled page; monthly donors ask here
for a link to Stripe's Customer Portal to change or stop their gift. Texts follow the URL's language.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.ratelimit import limit_reached
from crm.payments import client as stripe_api
from crm.payments.services import portal as stripe_portal
from crm.payments.tasks import stripe_manage_gift_link_task
from home.models import DonationPage

logger = logging.getLogger(__name__)


def _language() -> str:
    return (translation.get_language() or "ja").split("-")[0]


def _donation_page(request: HttpRequest) -> DonationPage | None:
    page_id = request.GET.get("page", "")
    if not (page_id.isascii() and page_id.isdigit()):
        return None
    return DonationPage.objects.live().filter(pk=int(page_id)).first()


def donation_success(request: HttpRequest) -> HttpResponse:
    page = _donation_page(request)
    amount, frequency = None, None
    session_id = request.GET.get("session_id", "")
    if session_id.startswith("cs_") and stripe_api.is_configured():
        try:
            session = stripe_api.get_client().v1.checkout.sessions.retrieve(session_id)
            amount = session.amount_total
            metadata = session.metadata.to_dict() if session.metadata else {}
            frequency = metadata.get("frequency") or ("monthly" if session.mode == "subscription" else "once")
        except stripe_api.StripeError:
            logger.info("could not read checkout session %s for the thank-you page", session_id)
    context = {"page": page, "amount": amount, "frequency": frequency, "language": _language()}
    return render(request, "home/donation_success.html", context)


def donation_cancel(request: HttpRequest) -> HttpResponse:
    return render(request, "home/donation_cancel.html", {"page": _donation_page(request)})


@require_http_methods(["GET", "POST"])
def manage_gift(request: HttpRequest) -> HttpResponse:
    """Ask for a link to the Stripe Customer Portal. The answer never reveals whether we know the email."""
    context: dict = {"sent": False, "error": ""}
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        try:
            validate_email(email)
        except ValidationError:
            context["error"] = _("Please type a valid email address.")
            return render(request, "home/donation_manage_gift.html", context, status=400)
        if limit_reached(request, scope="manage_gift", email=email):
            context["error"] = _(
                "We have had too many requests from you in a short time. Please wait about ten minutes and try again."
            )
            return render(request, "home/donation_manage_gift.html", context, status=429)

        link_template = request.build_absolute_uri(reverse("manage_gift_open", args=["TOKEN"]))
        # The lookup and the email happen in a task: same answer and same timing for any address.
        stripe_manage_gift_link_task.enqueue(email=email, link_template=link_template)
        context.update(sent=True, email=email)
    return render(request, "home/donation_manage_gift.html", context)


@require_http_methods(["GET", "POST"])
def manage_gift_open(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. GET only shows a button (mail scanners follow links); POST uses the link up."""
    context = {"valid": True, "error": ""}
    try:
        stripe_portal.manage_gift_token_check(token=token)
    except stripe_portal.ManageGiftLinkInvalid:
        context["valid"] = False
        return render(request, "home/donation_manage_gift_open.html", context, status=410)
    if request.method == "POST":
        return_url = request.build_absolute_uri(reverse("manage_gift"))
        try:
            url = stripe_portal.manage_gift_portal_open(
                token=token, return_url=return_url, locale=_language()
            )
        except stripe_portal.ManageGiftLinkInvalid:
            context["valid"] = False
            return render(request, "home/donation_manage_gift_open.html", context, status=410)
        except (stripe_api.StripeError, stripe_api.StripeNotConfigured):
            logger.exception("could not open the customer portal")
            context.update(
                valid=False,
                error=_("We could not open the payment page. Please try again; no payment has been taken."),
            )
            return render(request, "home/donation_manage_gift_open.html", context, status=503)
        return HttpResponseRedirect(url, status=303)
    return render(request, "home/donation_manage_gift_open.html", context)
