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
import datetime as dt
import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.signal_handlers import disable_reference_index_auto_update, reference_index_auto_update_disabled

from crm.models import Donation, Donor, RecurringDonation, normalise_email
from crm.models.stripe import StripeEvent, StripeSubscriptionClock
from crm.signals_stripe import membership_ended

logger = logging.getLogger(__name__)

Status = RecurringDonation.Status

# Stripe's subscription statuses in the CRM's words.
SUBSCRIPTION_STATUSES: dict[str, str] = {
    "active": Status.ACTIVE,
    "trialing": Status.ACTIVE,
    "past_due": Status.PAST_DUE,
    "unpaid": Status.PAST_DUE,
    "paused": Status.PAUSED,
    "incomplete": Status.INCOMPLETE,
    "incomplete_expired": Status.CANCELED,
    "canceled": Status.CANCELED,
}


class SubscriptionNotYetKnown(Exception):
    """A subscription event for a donor we cannot identify yet (its checkout has not arrived)."""


def _stripe_time(timestamp: int | None) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(timestamp or 0), tz=dt.UTC)


# ---- storing ----------------------------------------------------------------------------------------


def stripe_event_store(*, event: dict[str, Any]) -> tuple[StripeEvent, bool]:
    """Keep the event once, by its Stripe id. Types we don't act on are kept as ignored."""
    handled = event["type"] in EVENT_HANDLERS
    now = timezone.now()
    return StripeEvent.objects.get_or_create(
        event_id=event["id"],
        defaults={
            "type": event["type"],
            "payload": event,
            "created": _stripe_time(event.get("created")),
            "livemode": bool(event.get("livemode")),
            "status": StripeEvent.Status.PENDING if handled else StripeEvent.Status.IGNORED,
            "processed_at": None if handled else now,
            "received_at": now,
        },
    )


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


# ---- donors -----------------------------------------------------------------------------------------


def _split_name(name: str, language: str) -> tuple[str, str]:
    """(family, given) from one name field: Japanese order is family first, Western order last."""
    parts = (name or "").replace("\u3000", " ").split()
    if not parts:
        return "", ""
    if len(parts) == 1:
        return parts[0], ""
    japanese = language == "ja" or any("\u3040" <= ch <= "\u9fff" for ch in name)
    if japanese:
        return parts[0], " ".join(parts[1:])
    return parts[-1], " ".join(parts[:-1])


def donor_for_stripe_customer(
    *, customer_id: str | None, email: str | None, name: str = "", language: str = "ja", prefer_customer: bool
) -> Donor:
    """The donor behind a Stripe customer: by customer id, then by normalised email, else a new one.

    ``prefer_customer``: this customer holds a monthly gift, so it is the one the donor's
    self-service portal should open; it replaces a customer id left by an earlier one-off gift.
    """
    customer_id = customer_id or ""
    email = normalise_email(email)
    for attempt in range(3):
        donor = None
        if customer_id:
            donor = Donor.objects.select_for_update().filter(stripe_customer_id=customer_id).first()
        if donor is None and email:
            donor = Donor.objects.select_for_update().filter(email=email).first()
        if donor is not None:
            _donor_fill_in(donor, customer_id=customer_id, email=email, prefer_customer=prefer_customer)
            return donor
        if not email and not customer_id:
            raise ValueError("a Stripe event without customer or email cannot name a donor")
        family, given = _split_name(name, language)
        try:
            with transaction.atomic():
                return Donor.objects.create(
                    email=email,
                    stripe_customer_id=customer_id,
                    family_name=family,
                    given_name=given,
                    preferred_language=language if language in Donor.Language.values else Donor.Language.JA,
                    source=Donor.Source.STRIPE,
                )
        except IntegrityError:
            # Another delivery created this donor a moment ago; find it on the next pass.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _donor_fill_in(donor: Donor, *, customer_id: str, email: str | None, prefer_customer: bool) -> None:
    changed: list[str] = []
    if customer_id and donor.stripe_customer_id != customer_id:
        taken = Donor.objects.filter(stripe_customer_id=customer_id).exclude(pk=donor.pk).exists()
        if not taken and (not donor.stripe_customer_id or prefer_customer):
            donor.stripe_customer_id = customer_id
            changed.append("stripe_customer_id")
    if email and not donor.email and not Donor.objects.filter(email=email).exists():
        donor.email = email
        changed.append("email")
    if changed:
        donor.save(update_fields=changed)


# ---- memberships ------------------------------------------------------------------------------------


def _clock_allows(*, subscription_id: str, event: StripeEvent) -> bool:
    """Whether ``event`` is at least as new as the newest one applied to this subscription."""
    clock, created = StripeSubscriptionClock.objects.select_for_update().get_or_create(
        subscription_id=subscription_id,
        defaults={"applied_event_created": event.created, "applied_event_id": event.event_id},
    )
    if created:
        return True
    if event.created < clock.applied_event_created:
        return False
    clock.applied_event_created = event.created
    clock.applied_event_id = event.event_id
    clock.save(update_fields=["applied_event_created", "applied_event_id"])
    return True


def _recurring_for(
    *, subscription_id: str, donor: Donor, amount: int, currency: str, started_at: dt.datetime, status: str
) -> tuple[RecurringDonation, bool]:
    recurring, created = RecurringDonation.objects.get_or_create(
        external_id=subscription_id,
        defaults={
            "donor": donor,
            "amount": amount,
            "currency": currency.upper(),
            "interval": RecurringDonation.Interval.MONTH,
            "status": status,
            "started_at": started_at,
        },
    )
    if created:
        # Subscription events that came before we knew the donor can be applied once this commits.
        # Looking for them only after the commit closes the race with one being stored right now.
        transaction.on_commit(lambda: _process_waiting(subscription_id))
    else:
        recurring = RecurringDonation.objects.select_for_update().get(pk=recurring.pk)
    return recurring, created


def _process_waiting(subscription_id: str) -> None:
    from crm.tasks import stripe_event_process_task

    waiting = StripeEvent.objects.filter(
        status=StripeEvent.Status.PENDING,
        type__startswith="customer.subscription.",
        payload__data__object__id=subscription_id,
    ).order_by("created", "pk")
    for pk in waiting.values_list("pk", flat=True):
        stripe_event_process_task.enqueue(stripe_event_id=pk)


def _set_status(recurring: RecurringDonation, status: str, *, when: dt.datetime) -> bool:
    """Move a membership to ``status``; a cancellation is final. Returns whether it changed."""
    if recurring.status == status or recurring.status == Status.CANCELED:
        return False
    recurring.status = status
    fields = ["status"]
    if status == Status.CANCELED:
        recurring.canceled_at = when
        fields.append("canceled_at")
        donor, membership = recurring.donor, recurring
        transaction.on_commit(
            lambda: membership_ended.send(
                sender=RecurringDonation, donor=donor, recurring_donation=membership
            )
        )
    recurring.save(update_fields=fields)
    return True


def _subscription_amount(subscription: dict[str, Any]) -> int:
    items = (subscription.get("items") or {}).get("data") or []
    if not items:
        return 0
    price = items[0].get("price") or {}
    return int(price.get("unit_amount") or 0) * int(items[0].get("quantity") or 1)


def _invoice_subscription_id(invoice: dict[str, Any]) -> str:
    details = ((invoice.get("parent") or {}).get("subscription_details") or {}).get("subscription")
    return details or invoice.get("subscription") or ""


def _invoice_payment_id(invoice: dict[str, Any]) -> str:
    """The payment intent that paid an invoice (the id a later refund names), else the invoice id."""
    for payment in (invoice.get("payments") or {}).get("data") or []:
        intent = (payment.get("payment") or {}).get("payment_intent")
        if intent and payment.get("status", "paid") == "paid":
            return intent
    return invoice.get("payment_intent") or invoice["id"]


def _event_language(obj: dict[str, Any]) -> str:
    metadata = obj.get("metadata") or {}
    language = metadata.get("language") or obj.get("locale") or "ja"
    return language if language in Donor.Language.values else "ja"


# ---- donations --------------------------------------------------------------------------------------


def donation_record_from_stripe(
    *,
    donor: Donor,
    external_id: str,
    amount: int,
    currency: str,
    received_at: dt.datetime,
    recurring_donation: RecurringDonation | None = None,
) -> tuple[Donation, bool]:
    """One succeeded gift, once per Stripe payment. Amounts are minor units: JPY 1000 is ¥1,000."""
    first_gift = not Donation.objects.filter(donor=donor, status=Donation.Status.SUCCEEDED).exists()
    donation, created = Donation.objects.get_or_create(
        external_id=external_id,
        defaults={
            "donor": donor,
            "amount": amount,
            "currency": currency.upper(),
            "received_at": received_at,
            "method": Donation.Method.CARD,
            "recurring_donation": recurring_donation,
            "status": Donation.Status.SUCCEEDED,
        },
    )
    if created and first_gift:
        transaction.on_commit(lambda: _thank_later(donation.pk))
    return donation, created


def _thank_later(donation_id: int) -> None:
    from crm.tasks import stripe_thank_you_send_task

    stripe_thank_you_send_task.enqueue(donation_id=donation_id)


# ---- event handlers: each returns the event's outcome -----------------------------------------------


def _on_checkout_completed(event: StripeEvent) -> str:
    session = event.data_object
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        return StripeEvent.Status.IGNORED
    details = session.get("customer_details") or {}
    language = _event_language(session)
    subscription_id = session.get("subscription") or ""
    donor = donor_for_stripe_customer(
        customer_id=session.get("customer"),
        email=details.get("email") or session.get("customer_email"),
        name=details.get("name") or "",
        language=language,
        prefer_customer=bool(subscription_id),
    )
    currency = session.get("currency") or "jpy"
    if session.get("mode") == "subscription" and subscription_id:
        recurring, _created = _recurring_for(
            subscription_id=subscription_id,
            donor=donor,
            amount=int(session.get("amount_total") or 0),
            currency=currency,
            started_at=event.created,
            status=Status.ACTIVE,
        )
        if _clock_allows(subscription_id=subscription_id, event=event):
            _set_status(recurring, Status.ACTIVE, when=event.created)
        # The gift itself is recorded from invoice.paid, which names the payment.
        return StripeEvent.Status.PROCESSED
    if session.get("mode") == "payment" and session.get("payment_intent"):
        donation_record_from_stripe(
            donor=donor,
            external_id=session["payment_intent"],
            amount=int(session.get("amount_total") or 0),
            currency=currency,
            received_at=event.created,
        )
        return StripeEvent.Status.PROCESSED
    return StripeEvent.Status.IGNORED


def _on_invoice_paid(event: StripeEvent) -> str:
    invoice = event.data_object
    subscription_id = _invoice_subscription_id(invoice)
    if not subscription_id or not invoice.get("amount_paid"):
        return StripeEvent.Status.IGNORED
    recurring = (
        RecurringDonation.objects.select_for_update(of=("self",))
        .select_related("donor")
        .filter(external_id=subscription_id)
        .first()
    )
    if recurring is None:
        metadata = ((invoice.get("parent") or {}).get("subscription_details") or {}).get("metadata") or {}
        donor = donor_for_stripe_customer(
            customer_id=invoice.get("customer"),
            email=invoice.get("customer_email"),
            name=invoice.get("customer_name") or "",
            language=_event_language({"metadata": metadata}),
            prefer_customer=True,
        )
        lines = (invoice.get("lines") or {}).get("data") or []
        amount = int(lines[0].get("amount") or 0) if lines else int(invoice["amount_paid"])
        recurring, _created = _recurring_for(
            subscription_id=subscription_id,
            donor=donor,
            amount=amount,
            currency=invoice.get("currency") or "jpy",
            started_at=event.created,
            status=Status.ACTIVE,
        )
    donation_record_from_stripe(
        donor=recurring.donor,
        external_id=_invoice_payment_id(invoice),
        amount=int(invoice["amount_paid"]),
        currency=invoice.get("currency") or "jpy",
        received_at=_stripe_time(
            (invoice.get("status_transitions") or {}).get("paid_at") or event.payload["created"]
        ),
        recurring_donation=recurring,
    )
    if _clock_allows(subscription_id=subscription_id, event=event):
        _set_status(recurring, Status.ACTIVE, when=event.created)
    return StripeEvent.Status.PROCESSED


def _on_invoice_payment_failed(event: StripeEvent) -> str:
    invoice = event.data_object
    subscription_id = _invoice_subscription_id(invoice)
    if not subscription_id:
        return StripeEvent.Status.IGNORED
    recurring = RecurringDonation.objects.select_for_update().filter(external_id=subscription_id).first()
    if recurring is None:
        # A first payment that failed: Checkout lets the donor try again; nothing to record yet.
        return StripeEvent.Status.IGNORED
    if _clock_allows(subscription_id=subscription_id, event=event):
        _set_status(recurring, Status.PAST_DUE, when=event.created)
    return StripeEvent.Status.PROCESSED


def _on_subscription_changed(event: StripeEvent) -> str:
    subscription = event.data_object
    subscription_id = subscription["id"]
    status = SUBSCRIPTION_STATUSES.get(subscription.get("status", ""), Status.INCOMPLETE)
    if event.type == "customer.subscription.deleted":
        status = Status.CANCELED
    elif subscription.get("pause_collection") and status == Status.ACTIVE:
        status = Status.PAUSED
    recurring = RecurringDonation.objects.select_for_update().filter(external_id=subscription_id).first()
    if recurring is None:
        donor = Donor.objects.filter(stripe_customer_id=subscription.get("customer") or "-").first()
        if donor is None:
            raise SubscriptionNotYetKnown(f"waiting for the checkout of {subscription_id}")
        recurring, _created = _recurring_for(
            subscription_id=subscription_id,
            donor=donor,
            amount=_subscription_amount(subscription),
            currency=subscription.get("currency") or "jpy",
            started_at=_stripe_time(subscription.get("start_date") or event.payload["created"]),
            status=status,
        )
    if not _clock_allows(subscription_id=subscription_id, event=event):
        return StripeEvent.Status.PROCESSED  # older than what we hold: nothing to roll back
    amount = _subscription_amount(subscription)
    if amount and amount != recurring.amount and recurring.status != Status.CANCELED:
        recurring.amount = amount
        recurring.save(update_fields=["amount"])
    _set_status(recurring, status, when=event.created)
    return StripeEvent.Status.PROCESSED


def _on_charge_refunded(event: StripeEvent) -> str:
    charge = event.data_object
    candidates = [charge.get("payment_intent"), charge.get("invoice")]
    donation = (
        Donation.objects.select_for_update().filter(external_id__in=[c for c in candidates if c]).first()
    )
    if donation is None:
        return StripeEvent.Status.IGNORED
    # A partial refund leaves the gift standing; only a full refund undoes it.
    if charge.get("refunded") and donation.status != Donation.Status.REFUNDED:
        donation.status = Donation.Status.REFUNDED
        donation.save(update_fields=["status"])
    return StripeEvent.Status.PROCESSED


EVENT_HANDLERS: dict[str, Callable[[StripeEvent], str]] = {
    "checkout.session.completed": _on_checkout_completed,
    "invoice.paid": _on_invoice_paid,
    "invoice.payment_failed": _on_invoice_payment_failed,
    "customer.subscription.created": _on_subscription_changed,
    "customer.subscription.updated": _on_subscription_changed,
    "customer.subscription.deleted": _on_subscription_changed,
    "customer.subscription.paused": _on_subscription_changed,
    "customer.subscription.resumed": _on_subscription_changed,
    "charge.refunded": _on_charge_refunded,
}
