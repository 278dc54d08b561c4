"""Giving on the site: the donation form's server side, Stripe Checkout, and donor self-service.

The DonationPage renders the form; its POST lands here (a ``before_serve_page`` hook hands POSTs
to a DonationPage over to :func:`donation_checkout`). We validate on the server, create the Checkout
Session outside any database transaction, and send the visitor to Stripe with a 303. Nothing is
recorded here: gifts reach the CRM through the Stripe webhook, exactly once.

JPY has no minor unit: the yen the visitor types is the integer Stripe receives (1000 is ¥1,000).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import unicodedata
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods
from wagtail import hooks

from cms.ratelimit import limit_reached
from crm.integrations import stripe as stripe_api
from crm.services import stripe_portal
from crm.tasks import stripe_manage_gift_link_task

logger = logging.getLogger(__name__)

# Fixed interface texts in both site languages; editors' texts come from the DonationPage itself.
TEXTS: dict[str, dict[str, str]] = {
    "ja": {
        "frequency_invalid": "「毎月」か「今回のみ」を選んでください。",
        "amount_missing": "金額を選ぶか、入力してください。",
        "amount_not_whole": "金額は1円単位の整数で入力してください(例: 3000)。",
        "amount_too_small": "金額は¥{min}以上でお願いします。",
        "amount_too_large": "金額は¥{max}以下でお願いします。それ以上のご寄付はお問い合わせください。",
        "not_configured": "現在、オンラインでのご寄付を準備中です。しばらくしてからもう一度お試しください。",
        "stripe_busy": "決済サービスが混み合っています。少し時間をおいて、もう一度お試しください。"
        "お支払いはまだ行われていません。",
        "stripe_failed": "決済ページを開けませんでした。もう一度お試しください。お支払いはまだ行われていません。",
        "errors_heading": "入力内容をご確認ください",
        "continue": "お支払いへ進む",
        "success_title": "ご寄付ありがとうございます",
        "success_body": "お手続きが完了しました。確認のメールをお送りします。",
        "success_amount": "ご寄付の金額",
        "monthly": "毎月",
        "once": "今回のみ",
        "cancel_title": "ご寄付は完了していません",
        "cancel_body": "お手続きは中断されました。お支払いは行われていません。",
        "back_to_form": "寄付ページに戻る",
        "manage_title": "毎月のご寄付の変更・停止",
        "manage_intro": "ご寄付に使ったメールアドレスを入力してください。金額やカードの変更、停止ができるページへのリンクをお送りします。",
        "email_label": "メールアドレス",
        "send_link": "リンクを送る",
        "manage_sent": "{email} が毎月のご寄付に登録されている場合、変更・停止のためのリンクをお送りしました。"
        "メールが届かない場合は、迷惑メールフォルダもご確認ください。",
        "email_invalid": "メールアドレスを正しく入力してください。",
        "rate_limited": "短い時間にお申し込みが続いたため、いったん受付を止めています。10分ほどおいてから、もう一度お試しください。",
        "open_title": "毎月のご寄付の管理",
        "open_body": "下のボタンから、Stripe の管理ページを開きます。",
        "open_button": "管理ページを開く",
        "link_invalid": "このリンクは有効期限が切れているか、すでに使われています。もう一度リンクをお送りください。",
        "request_again": "リンクを再送する",
    },
    "en": {
        "frequency_invalid": "Please choose monthly or once.",
        "amount_missing": "Please choose or type an amount.",
        "amount_not_whole": "Please type a whole number of yen, for example 3000.",
        "amount_too_small": "The smallest gift we can accept online is ¥{min}.",
        "amount_too_large": "The largest gift we can accept online is ¥{max}. For a larger gift, please contact us.",
        "not_configured": "Online giving is not set up yet. Please try again later.",
        "stripe_busy": "The payment service is busy. Please try again in a moment; no payment has been taken.",
        "stripe_failed": "We could not open the payment page. Please try again; no payment has been taken.",
        "errors_heading": "Please check your gift",
        "continue": "Continue to payment",
        "success_title": "Thank you for your gift",
        "success_body": "Your gift is complete. We are sending you a confirmation email.",
        "success_amount": "Your gift",
        "monthly": "monthly",
        "once": "once",
        "cancel_title": "Your gift was not completed",
        "cancel_body": "You left the payment page; no payment has been taken.",
        "back_to_form": "Back to the donation page",
        "manage_title": "Change or stop your monthly gift",
        "manage_intro": "Type the email address you gave with. We will send you a link to a page where you "
        "can change the amount or card, or stop your gift.",
        "email_label": "Email address",
        "send_link": "Send me the link",
        "manage_sent": "If {email} belongs to a monthly supporter, we have sent it a link to manage the gift. "
        "If nothing arrives, please check your spam folder.",
        "email_invalid": "Please type a valid email address.",
        "rate_limited": "We have had too many requests from you in a short time. Please wait about ten minutes and try again.",
        "open_title": "Manage your monthly gift",
        "open_body": "The button below opens your page at Stripe, our payment service.",
        "open_button": "Open my gift",
        "link_invalid": "This link has expired or has already been used. Please ask for a new one.",
        "request_again": "Send a new link",
    },
}


def _language(request: HttpRequest, page=None) -> str:
    language = getattr(getattr(page, "locale", None), "language_code", None) or translation.get_language()
    language = (language or "ja").split("-")[0]
    return language if language in TEXTS else "ja"


@dataclass(frozen=True, kw_only=True)
class DonationChoice:
    frequency: str  # "monthly" or "once"
    amount_jpy: int
    tier: str  # the tier's amount, or "custom"


def parse_yen(raw: str) -> int | None:
    """Whole yen from what a visitor types: "3000", "3,000", "¥3,000", "３０００円". None if not whole yen."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    text = re.sub(r"[\s,¥￥円]", "", text)
    # ASCII digits only: `\d` and str.isdigit() also accept "³" or "٣", which int() then refuses or reads.
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None


def donation_choice_validate(*, data, page, language: str) -> tuple[DonationChoice | None, list[str]]:
    """The visitor's choice, or the reasons it cannot be accepted, in their language."""
    texts = TEXTS[language]
    errors: list[str] = []
    frequency = data.get("frequency", "")
    if frequency not in ("monthly", "once"):
        errors.append(texts["frequency_invalid"])
    raw = data.get("amount", "")
    tier = "custom"
    if raw in ("", "custom"):
        raw = data.get("custom_amount", "")
    elif re.fullmatch(r"[0-9]{1,9}", str(raw)) and int(raw) in page.tier_amounts():
        tier = str(int(raw))
    amount = parse_yen(str(raw))
    if not str(raw).strip():
        errors.append(texts["amount_missing"])
    elif amount is None:
        errors.append(texts["amount_not_whole"])
    elif amount < page.min_amount_jpy:
        errors.append(texts["amount_too_small"].format(min=f"{page.min_amount_jpy:,}"))
    elif amount > page.max_amount_jpy:
        errors.append(texts["amount_too_large"].format(max=f"{page.max_amount_jpy:,}"))
    if errors:
        return None, errors
    return DonationChoice(frequency=frequency, amount_jpy=amount, tier=tier), []


def _attempt_key(request: HttpRequest, page, choice: DonationChoice) -> str:
    """Our idempotency key for this attempt: a double click in the same few minutes reuses the session."""
    from django.middleware.csrf import get_token

    get_token(request)  # makes sure the browser has a CSRF secret; the masked token differs per call
    browser = request.META.get("CSRF_COOKIE", "")
    bucket = int(time.time() // 600)
    seed = f"{browser}|{page.pk}|{choice.frequency}|{choice.amount_jpy}|{bucket}"
    return "donate-" + hashlib.sha256(seed.encode()).hexdigest()[:40]


def _render_form_again(request, page, *, language: str, errors: list[str], status: int) -> HttpResponse:
    context = page.get_context(request)
    data = request.POST
    amount = data.get("amount", "")
    context.update(
        selected_frequency=data.get("frequency") or context.get("selected_frequency"),
        selected_amount=int(amount) if re.fullmatch(r"[0-9]{1,9}", amount) else None,
        custom_amount=data.get("custom_amount") if amount in ("", "custom") else None,
        donation_errors=errors,
        text=TEXTS[language],
        stripe_configured=stripe_api.is_configured(),
    )
    return render(request, "home/donation_retry.html", context, status=status)


def donation_checkout(request: HttpRequest, page) -> HttpResponse:
    """POST of the donation form: validate, open a Stripe Checkout Session, send the visitor there."""
    language = _language(request, page)
    texts = TEXTS[language]
    choice, errors = donation_choice_validate(data=request.POST, page=page, language=language)
    if errors:
        return _render_form_again(request, page, language=language, errors=errors, status=400)
    assert choice is not None
    if limit_reached(request, scope="checkout"):
        return _render_form_again(request, page, language=language, errors=[texts["rate_limited"]], status=429)
    if not stripe_api.is_configured():
        message = page.not_configured_message or texts["not_configured"]
        return _render_form_again(request, page, language=language, errors=[message], status=503)
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
        return _render_form_again(request, page, language=language, errors=[texts["stripe_busy"]], status=503)
    except stripe_api.StripeError as exc:
        logger.error("Stripe refused a checkout session: %s", exc)
        return _render_form_again(
            request, page, language=language, errors=[texts["stripe_failed"]], status=502
        )
    return HttpResponseRedirect(session.url, status=303)


@hooks.register("before_serve_page")
def _donation_page_post(page, request, serve_args, serve_kwargs):
    from home.models import DonationPage

    if request.method == "POST" and isinstance(page.specific_deferred, DonationPage):
        return donation_checkout(request, page.specific)
    return None


def _donation_page(request: HttpRequest):
    from home.models import DonationPage

    page_id = request.GET.get("page", "")
    if not page_id.isdigit():
        return None
    return DonationPage.objects.live().filter(pk=int(page_id)).first()


def donation_success(request: HttpRequest) -> HttpResponse:
    page = _donation_page(request)
    language = _language(request, page)
    amount, frequency = None, None
    session_id = request.GET.get("session_id", "")
    if session_id.startswith("cs_") and stripe_api.is_configured():
        try:
            session = stripe_api.get_client().v1.checkout.sessions.retrieve(session_id)
            amount, frequency = session.amount_total, "monthly" if session.mode == "subscription" else "once"
        except stripe_api.StripeError:
            logger.info("could not read checkout session %s for the thank-you page", session_id)
    return render(
        request,
        "home/donation_success.html",
        {
            "page": page,
            "text": TEXTS[language],
            "amount": amount,
            "frequency": frequency,
            "language": language,
        },
    )


def donation_cancel(request: HttpRequest) -> HttpResponse:
    page = _donation_page(request)
    language = _language(request, page)
    return render(request, "home/donation_cancel.html", {"page": page, "text": TEXTS[language]})


@require_http_methods(["GET", "POST"])
def manage_gift(request: HttpRequest) -> HttpResponse:
    """Ask for a link to the Stripe Customer Portal. The answer never reveals whether we know the email."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    language = _language(request)
    texts = TEXTS[language]
    context: dict = {"text": texts, "sent": False, "error": ""}
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        try:
            validate_email(email)
        except ValidationError:
            context["error"] = texts["email_invalid"]
            return render(request, "home/donation_manage_gift.html", context, status=400)
        if limit_reached(request, scope="manage_gift", email=email):
            context["error"] = texts["rate_limited"]
            return render(request, "home/donation_manage_gift.html", context, status=429)

        with translation.override(language):
            link_template = request.build_absolute_uri(reverse("manage_gift_open", args=["TOKEN"]))
        # The lookup and the email happen in a task: same answer and same timing for any address.
        stripe_manage_gift_link_task.enqueue(email=email, link_template=link_template)
        context.update(sent=True, message=texts["manage_sent"].format(email=email))
    return render(request, "home/donation_manage_gift.html", context)


@require_http_methods(["GET", "POST"])
def manage_gift_open(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. GET only shows a button (mail scanners follow links); POST uses the link up."""
    language = _language(request)
    texts = TEXTS[language]
    context = {"text": texts, "valid": True, "error": ""}
    try:
        stripe_portal.manage_gift_token_check(token=token)
    except stripe_portal.ManageGiftLinkInvalid:
        context["valid"] = False
        return render(request, "home/donation_manage_gift_open.html", context, status=410)
    if request.method == "POST":
        with translation.override(language):
            return_url = request.build_absolute_uri(reverse("manage_gift"))
        try:
            url = stripe_portal.manage_gift_portal_open(token=token, return_url=return_url, locale=language)
        except stripe_portal.ManageGiftLinkInvalid:
            context["valid"] = False
            return render(request, "home/donation_manage_gift_open.html", context, status=410)
        except (stripe_api.StripeError, stripe_api.StripeNotConfigured):
            logger.exception("could not open the customer portal")
            context.update(valid=False, error=texts["stripe_failed"])
            return render(request, "home/donation_manage_gift_open.html", context, status=503)
        return HttpResponseRedirect(url, status=303)
    return render(request, "home/donation_manage_gift_open.html", context)
