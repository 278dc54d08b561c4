"""Mailchimp's webhook endpoint: /mailchimp/webhook/<secret>/.

Mailchimp signs nothing, so the secret in the URL is the authentication; a wrong one is a 404 so the
endpoint does not reveal itself. Mailchimp checks the URL with a GET before saving the webhook.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

from crm.mailing.services.audience_events import (
    MailchimpWebhookRefused,
    mailchimp_webhook_apply,
    parse_webhook_form,
)

logger = logging.getLogger(__name__)


@csrf_exempt
def mailchimp_webhook(request: HttpRequest, secret: str) -> HttpResponse:
    expected = getattr(settings, "MAILCHIMP_WEBHOOK_SECRET", "")
    if not expected or not constant_time_compare(secret, expected):
        raise Http404
    if request.method in {"GET", "HEAD"}:
        return HttpResponse("ok", content_type="text/plain")
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    event_type, data = parse_webhook_form(request.POST)
    list_id = data.get("list_id")
    if list_id and settings.MAILCHIMP_AUDIENCE_ID and list_id != settings.MAILCHIMP_AUDIENCE_ID:
        return HttpResponse("ignored: other audience", content_type="text/plain")
    try:
        outcome = mailchimp_webhook_apply(event_type=event_type, data=data)
    except MailchimpWebhookRefused as refused:
        # Mailchimp retries a 4xx only a few times; a body we cannot use is not worth more.
        return HttpResponse(f"refused: {refused}", content_type="text/plain", status=400)
    logger.info("Mailchimp webhook %s: %s", event_type, outcome)
    return HttpResponse(outcome, content_type="text/plain")
