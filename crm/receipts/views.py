"""The donor's own page: their gifts, every receipt and each year's statement to download, and how
they want receipts from now on. No login: a signed link, emailed on request and in every receipt
email (as the monthly-gift self-service does), valid 90 days.

The page speaks the donor's language; the request form the visitor's (``?lang=en`` or the browser's).
GET never changes anything (mail scanners follow links); the delivery choice is a POST.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from crm.donors.models import Donor
from crm.giving.models import Donation
from crm.receipts import services
from crm.receipts.models import Receipt
from crm.receipts.pdf import format_amount
from crm.receipts.tasks import donor_page_link_task


def _request_language(request: HttpRequest) -> str:
    language = request.GET.get("lang") or request.POST.get("lang") or translation.get_language() or "ja"
    return "en" if language.startswith("en") else "ja"


@require_http_methods(["GET", "POST"])
def donor_page_request(request: HttpRequest) -> HttpResponse:
    """Ask for the link. The answer is the same whether or not the address is a donor's."""
    language = _request_language(request)
    with translation.override(language):
        context: dict = {"sent": False, "error": False, "lang": language}
        status = 200
        if request.method == "POST":
            email = request.POST.get("email", "").strip()
            try:
                validate_email(email)
            except ValidationError:
                context["error"] = True
                status = 400
            else:
                donor_page_link_task.enqueue(email=email, language=language)
                context.update(sent=True, email=email)
        return render(request, "crm/receipts/donor_request.html", context, status=status)


def _donor_or_gone(request: HttpRequest, token: str) -> Donor | HttpResponse:
    donor = services.donor_page_token_check(token=token)
    if donor is None:
        with translation.override(_request_language(request)):
            return render(
                request,
                "crm/receipts/donor_link_invalid.html",
                {"lang": _request_language(request)},
                status=410,
            )
    return donor


@require_http_methods(["GET", "POST"])
def donor_page(request: HttpRequest, token: str) -> HttpResponse:
    donor = _donor_or_gone(request, token)
    if isinstance(donor, HttpResponse):
        return donor
    language = "en" if donor.preferred_language == "en" else "ja"
    with translation.override(language):
        saved = False
        if request.method == "POST":
            choice = request.POST.get("receipt_delivery", "")
            if choice not in Donor.ReceiptDelivery.values:
                return HttpResponse(status=400)
            services.receipt_delivery_choose(donor=donor, delivery=choice)
            return redirect(f"{request.path}?saved=1")
        saved = request.GET.get("saved") == "1"
        gifts = list(services.donor_gifts(donor=donor)[:500])
        issued = {
            r.donation_id: r
            for r in Receipt.objects.filter(donor=donor, kind=Receipt.Kind.GIFT, status=Receipt.Status.ISSUED)
        }
        rows = [
            {
                "gift": g,
                "receipt": issued.get(g.pk),
                "downloadable": g.status == Donation.Status.SUCCEEDED and g.net_amount > 0,
                "amount": format_amount(g.amount, g.currency, language),
                "refunded": format_amount(g.amount_refunded, g.currency, language),
            }
            for g in gifts
        ]
        return render(
            request,
            "crm/receipts/donor_page.html",
            {
                "donor": donor,
                "token": token,
                "rows": rows,
                "years": services.donor_statement_years(donor=donor),
                "choices": Donor.ReceiptDelivery.choices,
                "saved": saved,
                "lang": language,
            },
        )


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def donor_gift_receipt(request: HttpRequest, token: str, donation_id: int) -> HttpResponse:
    """A gift's receipt; issued now (with its number) if the gift had none yet."""
    donor = _donor_or_gone(request, token)
    if isinstance(donor, HttpResponse):
        return donor
    donation = Donation.objects.filter(pk=donation_id, donor=donor).first()
    if donation is None:
        raise Http404
    receipt = (
        Receipt.objects.filter(donation=donation, kind=Receipt.Kind.GIFT).order_by("status", "-pk").first()
    )
    # A voided receipt stays downloadable (marked 取消); an issued one is preferred ("issued" < "voided").
    if receipt is None:
        try:
            receipt = services.receipt_issue_for_gift(donation=donation)
        except services.ReceiptError as exc:
            raise Http404 from exc
    return _pdf_response(services.receipt_pdf(receipt), f"{receipt.number}.pdf")


def donor_annual_statement(request: HttpRequest, token: str, year: int) -> HttpResponse:
    donor = _donor_or_gone(request, token)
    if isinstance(donor, HttpResponse):
        return donor
    statement = services.annual_statement_for(donor=donor, year=year)
    if statement is None:
        raise Http404
    return _pdf_response(services.receipt_pdf(statement), f"{statement.number}.pdf")
