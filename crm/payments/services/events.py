"""Turning Stripe webhook events into donors, monthly memberships and donations.

Every event is stored once (``stripe_event_store``) before anything acts on it; acting
(``stripe_event_process``) is idempotent and order-proof:

- the event row is locked while it is processed, and a processed event is never processed again;
- donations and memberships are keyed by Stripe ids under unique constraints (get_or_create);
- a subscription keeps the Stripe time of the newest event applied to it, so an older event that
  arrives late never rolls a membership back, and a cancellation is final.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.signal_handlers import disable_reference_index_auto_update, reference_index_auto_update_disabled

from crm.payments.models import StripeEvent
from crm.payments.services.handlers import EVENT_HANDLERS
from crm.payments.services.records import SubscriptionNotYetKnown, _stripe_time

logger = logging.getLogger(__name__)


# ---- storing ----------------------------------------------------------------------------------------


def stripe_event_store(*, event: dict[str, Any]) -> tuple[StripeEvent, bool]:
    """Keep the event once, by its Stripe id. Types we don't act on are kept as ignored."""
    handled = event["type"] in EVENT_HANDLERS
    now = timezone.now()
    try:
        # Insert first: nearly every delivery is new, so this saves get_or_create's SELECT; the
        # unique event id turns a redelivery into an IntegrityError and a read of the stored row.
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                event_id=event["id"],
                type=event["type"],
                payload=event,
                created=_stripe_time(event.get("created")),
                livemode=bool(event.get("livemode")),
                status=StripeEvent.Status.PENDING if handled else StripeEvent.Status.IGNORED,
                processed_at=None if handled else now,
                received_at=now,
            )
        return stored, True
    except IntegrityError:
        return StripeEvent.objects.get(event_id=event["id"]), False


# ---- processing -------------------------------------------------------------------------------------


_DONE = (StripeEvent.Status.PROCESSED, StripeEvent.Status.IGNORED)


def _without_reference_index():
    # Wagtail's context manager cannot nest (an event applied from another's on_commit would).
    if getattr(reference_index_auto_update_disabled, "value", False):
        return contextlib.nullcontext()
    return disable_reference_index_auto_update()


def stripe_event_process(*, stripe_event_id: int) -> StripeEvent:
    """Act on one stored event, exactly once. Failures are kept on the event, with the error."""
    try:
        # CRM rows are not content Wagtail tracks usage of; indexing each save would double the work.
        with _without_reference_index(), transaction.atomic():
            event = StripeEvent.objects.select_for_update().get(pk=stripe_event_id)
            if event.status in _DONE:
                return event
            handler = EVENT_HANDLERS.get(event.type)
            outcome = handler(event) if handler else StripeEvent.Status.IGNORED
            event.status = outcome
            event.processed_at = timezone.now()
            event.error = ""
            event.attempts += 1
            event.save(update_fields=["status", "processed_at", "error", "attempts"])
            return event
    except SubscriptionNotYetKnown as exc:
        # Not an error: it is applied when the checkout or first invoice introduces the donor.
        # Conditional: a concurrent re-run may have applied it since our transaction rolled back.
        StripeEvent.objects.filter(pk=stripe_event_id, status=StripeEvent.Status.PENDING).update(
            error=str(exc), attempts=F("attempts") + 1
        )
    except Exception:
        logger.exception("Stripe event %s failed", stripe_event_id)
        StripeEvent.objects.filter(pk=stripe_event_id).exclude(status__in=_DONE).update(
            status=StripeEvent.Status.FAILED, error=traceback.format_exc(limit=8), attempts=F("attempts") + 1
        )
    return StripeEvent.objects.get(pk=stripe_event_id)


def stripe_event_retry(*, stripe_event_id: int) -> StripeEvent:
    """A fundraiser asked to run a failed event again (from the admin)."""
    StripeEvent.objects.filter(pk=stripe_event_id, status=StripeEvent.Status.FAILED).update(
        status=StripeEvent.Status.PENDING
    )
    return stripe_event_process(stripe_event_id=stripe_event_id)
