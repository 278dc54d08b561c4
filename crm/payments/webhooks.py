"""Stripe's webhook endpoint: verify the signature on the raw body, store the event, then act.

Stripe gets a 2xx only once the event is safely stored; acting on it happens after that (in a task,
which the test settings run immediately), so a failure while acting is kept on the stored event for
a retry from the admin instead of making Stripe redeliver.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from crm.payments import client as stripe_api
from crm.payments.models import StripeEvent
from crm.payments.services.events import stripe_event_store
from crm.payments.tasks import stripe_event_process_task

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    if not stripe_api.webhook_is_configured():
        return JsonResponse({"error": "webhooks are not configured"}, status=503)
    payload = request.body
    try:
        data = stripe_api.construct_event(payload=payload, signature=request.headers.get("Stripe-Signature"))
    except stripe_api.SignatureVerificationError:
        return JsonResponse({"error": "invalid signature"}, status=400)
    except ValueError:  # not UTF-8, not JSON, or JSON that is not an event object
        return JsonResponse({"error": "invalid payload"}, status=400)
    stored, created = stripe_event_store(event=data)
    if stored.status in (StripeEvent.Status.PENDING, StripeEvent.Status.FAILED) and (
        created or stored.status == StripeEvent.Status.FAILED
    ):
        try:
            stripe_event_process_task.enqueue(stripe_event_id=stored.pk)
        except Exception:  # the event is stored; the admin can run it again
            logger.exception("could not enqueue Stripe event %s", stored.event_id)
    return JsonResponse({"received": True, "duplicate": not created})
