"""Giving on the site: the donation form's server side and the hand-over to Stripe Checkout.

``DonationPage.serve()`` renders the form and hands its POST to :func:`donation_checkout`. We
validate on the server, create the Checkout Session outside any database transaction, and send the
visitor to Stripe with a 303. Nothing is recorded here: gifts reach the CRM through the Stripe
webhook, exactly once. The pages Stripe sends visitors back to live in home/giving_views.py.

JPY has no minor unit: the yen the visitor types is the integer Stripe receives (1000 is ¥1,000).
This module imports no page model: the page arrives as an argument, so models.py can call it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass
from typing import Protocol

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.ratelimit import limit_reached
from crm.payments import client as stripe_api


class GivingPage(Protocol):
    """What checkout needs of the DonationPage (home.models imports this module, not the reverse)."""

    pk: int
    title: str
    min_amount_jpy: int
    max_amount_jpy: int

    def tier_amounts(self, frequency: str | None = None) -> list[int]: ...

    def not_configured_text(self) -> str: ...

    def get_context(self, request, *args, **kwargs) -> dict: ...


logger = logging.getLogger(__name__)

FREQUENCIES = ("monthly", "yearly", "once")

# Full-width digits and the separators people type around a yen amount. Other Unicode digits
# (superscripts, Arabic-Indic, circled numbers) are refused, not guessed at.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９，", "0123456789,")
_YEN_NOISE = re.compile(r"[\s,¥￥円\u3000]")
_WHOLE_YEN = re.compile(r"[0-9]{1,9}", re.ASCII)


@dataclass(frozen=True, kw_only=True)
class DonationChoice:
    frequency: str  # "monthly", "yearly" or "once"
    amount_jpy: int
    tier: str  # the tier's amount, or "custom"


def parse_yen(raw: str | None) -> int | None:
    """Whole yen from what a visitor types: "3000", "3,000", "¥3,000", "３０００円". None otherwise.

    Only ASCII digits count, after full-width ones are converted: "³" or "٣" is not an amount.
    """
    text = _YEN_NOISE.sub("", (raw or "").translate(_FULL_WIDTH))
    return int(text) if _WHOLE_YEN.fullmatch(text) else None


def page_language(page) -> str:
    """The page's language ("ja", "en"), which also names the Stripe Checkout locale."""
    code = getattr(getattr(page, "locale", None), "language_code", None) or translation.get_language() or "ja"
    return code.split("-")[0]


def donation_choice_validate(*, data, page: GivingPage) -> tuple[DonationChoice | None, list[str]]:
    """The visitor's choice, or the reasons it cannot be accepted, in the active language."""
    errors: list[str] = []
    frequency = data.get("frequency", "")
    if frequency not in FREQUENCIES:
        errors.append(_("Please choose monthly, yearly or once."))
    raw = data.get("amount", "")
    tier = "custom"
    if raw in ("", "custom"):
        raw = data.get("custom_amount", "")
    elif parse_yen(raw) in page.tier_amounts(frequency):
        tier = str(parse_yen(raw))
    amount = parse_yen(raw)
    if not str(raw).strip():
        errors.append(_("Please choose or type an amount."))
    elif amount is None:
        errors.append(_("Please type a whole number of yen, for example 3000."))
    elif amount < page.min_amount_jpy:
        errors.append(
            _("The smallest gift we can accept online is ¥%(min)s.") % {"min": f"{page.min_amount_jpy:,}"}
        )
    elif amount > page.max_amount_jpy:
        errors.append(
            _("The largest gift we can accept online is ¥%(max)s. For a larger gift, please contact us.")
            % {"max": f"{page.max_amount_jpy:,}"}
        )
    if errors:
        return None, errors
    return DonationChoice(frequency=frequency, amount_jpy=amount, tier=tier), []


def _attempt_key(request: HttpRequest, page: GivingPage, choice: DonationChoice) -> str:
    """Our idempotency key for this attempt: a double click in the same few minutes reuses the session."""
    get_token(request)  # makes sure the browser has a CSRF secret; the masked token differs per call
    browser = request.META.get("CSRF_COOKIE", "")
    bucket = int(time.time() // 600)
    seed = f"{browser}|{page.pk}|{choice.frequency}|{choice.amount_jpy}|{bucket}"
    return "donate-" + hashlib.sha256(seed.encode()).hexdigest()[:40]


def _render_form_again(request, page: GivingPage, *, errors: list[str], status: int) -> HttpResponse:
    context = page.get_context(request)
    data = request.POST
    amount = data.get("amount", "")
    frequency = data.get("frequency")
    context.update(
        selected_frequency=frequency if frequency in FREQUENCIES else context["selected_frequency"],
        selected_amount=parse_yen(amount) if amount != "custom" else None,
        custom_amount=data.get("custom_amount") if amount in ("", "custom") else None,
        donation_errors=errors,
    )
    return render(request, "home/donation_retry.html", context, status=status)


def donation_checkout(request: HttpRequest, page: GivingPage) -> HttpResponse:
    """POST of the donation form: validate, open a Stripe Checkout Session, send the visitor there."""
    language = page_language(page)
    choice, errors = donation_choice_validate(data=request.POST, page=page)
    if choice is None:
        return _render_form_again(request, page, errors=errors, status=400)
    if limit_reached(request, scope="checkout"):
        message = _(
            "We have had too many requests from you in a short time. Please wait about ten minutes and try again."
        )
        return _render_form_again(request, page, errors=[message], status=429)
    if not stripe_api.is_configured():
        return _render_form_again(request, page, errors=[page.not_configured_text()], status=503)
    with translation.override(language):
        success = reverse("donation_success")
        cancel = reverse("donation_cancel")
    try:
        session = stripe_api.create_checkout_session(
            amount_jpy=choice.amount_jpy,
            frequency=choice.frequency,  # type: ignore[arg-type]
            locale=language,
            metadata={
                "page_id": str(page.pk),
                "tier": choice.tier,
                "frequency": choice.frequency,
                "language": language,
            },
            idempotency_key=_attempt_key(request, page, choice),
            # Stripe fills in {CHECKOUT_SESSION_ID}; the braces must stay unescaped.
            success_url=request.build_absolute_uri(success)
            + f"?page={page.pk}&session_id={{CHECKOUT_SESSION_ID}}",
            cancel_url=request.build_absolute_uri(cancel) + f"?page={page.pk}",
            product_name=page.title,
        )
    except (stripe_api.stripe.RateLimitError, stripe_api.stripe.APIConnectionError) as exc:
        logger.warning("Stripe busy while opening checkout: %s", exc)
        message = _("The payment service is busy. Please try again in a moment; no payment has been taken.")
        return _render_form_again(request, page, errors=[message], status=503)
    except stripe_api.StripeError as exc:
        logger.error("Stripe refused a checkout session: %s", exc)
        message = _("We could not open the payment page. Please try again; no payment has been taken.")
        return _render_form_again(request, page, errors=[message], status=502)
    return HttpResponseRedirect(session.url, status=303)
