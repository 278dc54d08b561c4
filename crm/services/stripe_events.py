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
from django.db.models import F, Q
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
    match = Q(stripe_customer_id=customer_id) if customer_id else Q()
    if email:
        match = match | Q(email=email) if customer_id else Q(email=email)
    for attempt in range(3):
        donor = None
        if customer_id or email:
            # One query for both keys; the customer id wins over the email when they name two donors.
            found = list(Donor.objects.select_for_update().filter(match).order_by()[:2])
            donor = next((d for d in found if customer_id and d.stripe_customer_id == customer_id), None)
            donor = donor or next(iter(found), None)
        if donor is not None:
            others = [d for d in found if d.pk != donor.pk]
            _donor_fill_in(
                donor, others, customer_id=customer_id, email=email, prefer_customer=prefer_customer
            )
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


def _donor_fill_in(
    donor: Donor, others: list[Donor], *, customer_id: str, email: str | None, prefer_customer: bool
) -> None:
    """Add the customer id or email the donor lacks, unless another donor holds it.

    Customer id and email are both unique, so ``others`` (the donors the same lookup found) is the
    only donor that can hold either.
    """
    changed: list[str] = []
    if customer_id and donor.stripe_customer_id != customer_id:
        taken = any(d.stripe_customer_id == customer_id for d in others)
        if not taken and (not donor.stripe_customer_id or prefer_customer):
            donor.stripe_customer_id = customer_id
            changed.append("stripe_customer_id")
    if email and not donor.email and not any(d.email == email for d in others):
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
    # Locked as it is read (FOR UPDATE on PostgreSQL): the caller changes its status next.
    recurring, created = RecurringDonation.objects.select_for_update().get_or_create(
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


def _invoice_attempt_ids(invoice: dict[str, Any]) -> list[str]:
    """Every id a failed attempt at this invoice may have been recorded under: its payment intents
    (a retry may use a new one, e.g. when the donor pays with another card), then the invoice."""
    ids = [
        intent
        for payment in (invoice.get("payments") or {}).get("data") or []
        if (intent := (payment.get("payment") or {}).get("payment_intent"))
    ]
    if invoice.get("payment_intent"):
        ids.append(invoice["payment_intent"])
    ids.append(invoice["id"])
    return list(dict.fromkeys(ids))


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
    failed_attempt_ids: list[str] | tuple[str, ...] = (),
) -> tuple[Donation, bool]:
    """One succeeded gift, once per Stripe payment. Amounts are minor units: JPY 1000 is ¥1,000.

    A failed attempt at the same payment, recorded earlier under ``external_id`` or one of
    ``failed_attempt_ids``, becomes this gift instead of leaving a second row. Returns the donation
    and whether this call made it a succeeded gift.
    """
    keys = list(dict.fromkeys([external_id, *failed_attempt_ids]))
    earlier = Donation.objects.select_for_update().filter(external_id__in=keys).order_by("pk").first()
    if earlier is not None and earlier.status != Donation.Status.FAILED:
        return earlier, False  # recorded already: a redelivery, or a later event about the same payment
    first_gift = not Donation.objects.filter(donor=donor, status=Donation.Status.SUCCEEDED).exists()
    if earlier is not None:
        # The donor's retry went through: the failed attempt is now the gift, keyed as refunds name it.
        earlier.status = Donation.Status.SUCCEEDED
        earlier.amount = amount
        earlier.currency = currency.upper()
        earlier.received_at = received_at
        earlier.external_id = external_id
        earlier.recurring_donation = earlier.recurring_donation or recurring_donation
        earlier.save(
            update_fields=["status", "amount", "currency", "received_at", "external_id", "recurring_donation"]
        )
        donation, created = earlier, True
    else:
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


def donation_record_failed_from_stripe(
    *,
    donor: Donor,
    external_id: str,
    amount: int,
    currency: str,
    attempted_at: dt.datetime,
    recurring_donation: RecurringDonation | None = None,
) -> tuple[Donation, bool]:
    """A payment that failed, once per Stripe payment, so fundraisers see who tried to give.

    Never touches a row already recorded for that payment: a failure that arrives after the
    success (Stripe does not deliver in order) must not turn a gift into a failure.
    """
    return Donation.objects.get_or_create(
        external_id=external_id,
        defaults={
            "donor": donor,
            "amount": amount,
            "currency": currency.upper(),
            "received_at": attempted_at,
            "method": Donation.Method.CARD,
            "recurring_donation": recurring_donation,
            "status": Donation.Status.FAILED,
        },
    )


def donation_refund_record(*, donation: Donation, amount_refunded: int, fully_refunded: bool) -> bool:
    """Record what has been refunded of a gift so far (Stripe's cumulative figure). Returns whether it changed.

    Only ever goes up: an older or repeated refund event carries a smaller or equal figure and
    changes nothing. A full refund marks the gift refunded; a partial one leaves it succeeded, and
    its net amount (amount - amount_refunded) is what the NPO keeps.
    """
    if donation.status == Donation.Status.FAILED:
        return False  # nothing was received, so nothing can be refunded
    amount_refunded = min(max(int(amount_refunded), 0), donation.amount)
    if fully_refunded:
        amount_refunded = donation.amount
    fields = []
    if amount_refunded > donation.amount_refunded:
        donation.amount_refunded = amount_refunded
        fields.append("amount_refunded")
    if donation.amount_refunded >= donation.amount and donation.status != Donation.Status.REFUNDED:
        donation.status = Donation.Status.REFUNDED
        fields.append("status")
    if fields:
        donation.save(update_fields=fields)
    return bool(fields)


def _thank_later(donation_id: int) -> None:
    from crm.tasks import stripe_thank_you_send_task

    stripe_thank_you_send_task.enqueue(donation_id=donation_id)


# ---- event handlers: each returns the event's outcome -----------------------------------------------


def _checkout_donor(session: dict[str, Any]) -> Donor:
    details = session.get("customer_details") or {}
    return donor_for_stripe_customer(
        customer_id=session.get("customer"),
        email=details.get("email") or session.get("customer_email"),
        name=details.get("name") or "",
        language=_event_language(session),
        prefer_customer=bool(session.get("subscription")),
    )


def _on_checkout_completed(event: StripeEvent) -> str:
    """checkout.session.completed, and checkout.session.async_payment_succeeded for payment methods
    that settle later (the session then says "paid")."""
    session = event.data_object
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        # A payment method that settles later: the async_payment_succeeded/failed event decides.
        return StripeEvent.Status.IGNORED
    subscription_id = session.get("subscription") or ""
    donor = _checkout_donor(session)
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


def _on_checkout_async_payment_failed(event: StripeEvent) -> str:
    """The bank debit or transfer behind a completed Checkout did not arrive: the first gift failed.

    Card declines never get here (Checkout shows them and the donor tries again on the page).
    """
    session = event.data_object
    donor = _checkout_donor(session)
    currency = session.get("currency") or "jpy"
    subscription_id = session.get("subscription") or ""
    if session.get("mode") == "subscription" and subscription_id:
        # The failed payment itself comes with invoice.payment_failed, which names it.
        recurring, _created = _recurring_for(
            subscription_id=subscription_id,
            donor=donor,
            amount=int(session.get("amount_total") or 0),
            currency=currency,
            started_at=event.created,
            status=Status.INCOMPLETE,
        )
        # This was the first payment: once any gift has been paid, the failure is old news.
        never_paid = _status_after_failure(recurring) == Status.INCOMPLETE
        if never_paid and _clock_allows(subscription_id=subscription_id, event=event):
            _set_status(recurring, Status.INCOMPLETE, when=event.created)
        return StripeEvent.Status.PROCESSED
    if session.get("mode") == "payment" and session.get("payment_intent"):
        donation_record_failed_from_stripe(
            donor=donor,
            external_id=session["payment_intent"],
            amount=int(session.get("amount_total") or 0),
            currency=currency,
            attempted_at=event.created,
        )
        return StripeEvent.Status.PROCESSED
    return StripeEvent.Status.IGNORED


def _status_after_failure(recurring: RecurringDonation) -> str:
    """past_due for a membership that has been paid before; one never paid stays incomplete."""
    paid_before = recurring.donations.filter(
        status__in=(Donation.Status.SUCCEEDED, Donation.Status.REFUNDED)
    ).exists()
    return Status.PAST_DUE if paid_before else Status.INCOMPLETE


def _invoice_recurring(
    event: StripeEvent, invoice: dict[str, Any], subscription_id: str, *, status: str
) -> RecurringDonation:
    """The membership an invoice belongs to, locked; made (with its donor) if the invoice is first."""
    recurring = (
        RecurringDonation.objects.select_for_update(of=("self",))
        .select_related("donor")
        .filter(external_id=subscription_id)
        .first()
    )
    if recurring is not None:
        return recurring
    metadata = ((invoice.get("parent") or {}).get("subscription_details") or {}).get("metadata") or {}
    donor = donor_for_stripe_customer(
        customer_id=invoice.get("customer"),
        email=invoice.get("customer_email"),
        name=invoice.get("customer_name") or "",
        language=_event_language({"metadata": metadata}),
        prefer_customer=True,
    )
    lines = (invoice.get("lines") or {}).get("data") or []
    amount = int(lines[0].get("amount") or 0) if lines else int(invoice.get("amount_due") or 0)
    recurring, _created = _recurring_for(
        subscription_id=subscription_id,
        donor=donor,
        amount=amount,
        currency=invoice.get("currency") or "jpy",
        started_at=event.created,
        status=status,
    )
    return recurring


def _on_invoice_paid(event: StripeEvent) -> str:
    invoice = event.data_object
    subscription_id = _invoice_subscription_id(invoice)
    if not subscription_id or not invoice.get("amount_paid"):
        return StripeEvent.Status.IGNORED
    recurring = _invoice_recurring(event, invoice, subscription_id, status=Status.ACTIVE)
    donation_record_from_stripe(
        donor=recurring.donor,
        external_id=_invoice_payment_id(invoice),
        amount=int(invoice["amount_paid"]),
        currency=invoice.get("currency") or "jpy",
        received_at=_stripe_time(
            (invoice.get("status_transitions") or {}).get("paid_at") or event.payload["created"]
        ),
        recurring_donation=recurring,
        failed_attempt_ids=_invoice_attempt_ids(invoice),
    )
    if _clock_allows(subscription_id=subscription_id, event=event):
        _set_status(recurring, Status.ACTIVE, when=event.created)
    return StripeEvent.Status.PROCESSED


def _on_invoice_payment_failed(event: StripeEvent) -> str:
    invoice = event.data_object
    subscription_id = _invoice_subscription_id(invoice)
    if not subscription_id:
        return StripeEvent.Status.IGNORED
    attempt_ids = _invoice_attempt_ids(invoice)
    first_invoice = invoice.get("billing_reason") == "subscription_create"
    if first_invoice:
        recurring = _invoice_recurring(event, invoice, subscription_id, status=Status.INCOMPLETE)
        # The donor's first gift failed: kept as a failed donation (its retry turns it into the gift).
        donation_record_failed_from_stripe(
            donor=recurring.donor,
            external_id=attempt_ids[0],
            amount=int(invoice.get("amount_due") or 0),
            currency=invoice.get("currency") or "jpy",
            attempted_at=event.created,
            recurring_donation=recurring,
        )
    else:
        recurring = RecurringDonation.objects.select_for_update().filter(external_id=subscription_id).first()
        if recurring is None:
            return StripeEvent.Status.IGNORED  # a renewal of a gift that began before the CRM knew it
    # A failure delivered after the retry that paid the same invoice (same second, so the clock
    # cannot tell them apart) must not set the membership back.
    paid_in_the_end = (
        Donation.objects.filter(external_id__in=attempt_ids).exclude(status=Donation.Status.FAILED).exists()
    )
    if not paid_in_the_end and _clock_allows(subscription_id=subscription_id, event=event):
        # A renewal that fails is a member falling behind, whatever the CRM holds of earlier gifts
        # (an imported membership has none); only a first payment can leave it never paid.
        status = _status_after_failure(recurring) if first_invoice else Status.PAST_DUE
        _set_status(recurring, status, when=event.created)
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
    """charge.refunded, for full and partial refunds: the charge carries the cumulative refunded amount.

    charge.refund.updated is not handled: it carries one Refund (its own amount, not the charge's
    total) and is sent when a refund's status changes later, e.g. a refund that fails and returns
    the money to the NPO. Lowering amount_refunded for those needs a record per refund (a table
    keyed by refund id) to stay idempotent against charge.refunded arriving before or after it.
    """
    charge = event.data_object
    candidates = [c for c in (charge.get("payment_intent"), charge.get("invoice")) if c]
    donation = Donation.objects.select_for_update().filter(external_id__in=candidates).first()
    if donation is None:
        return StripeEvent.Status.IGNORED
    donation_refund_record(
        donation=donation,
        amount_refunded=int(charge.get("amount_refunded") or 0),
        fully_refunded=bool(charge.get("refunded")),
    )
    return StripeEvent.Status.PROCESSED


EVENT_HANDLERS: dict[str, Callable[[StripeEvent], str]] = {
    "checkout.session.completed": _on_checkout_completed,
    "checkout.session.async_payment_succeeded": _on_checkout_completed,
    "checkout.session.async_payment_failed": _on_checkout_async_payment_failed,
    "invoice.paid": _on_invoice_paid,
    "invoice.payment_failed": _on_invoice_payment_failed,
    "customer.subscription.created": _on_subscription_changed,
    "customer.subscription.updated": _on_subscription_changed,
    "customer.subscription.deleted": _on_subscription_changed,
    "customer.subscription.paused": _on_subscription_changed,
    "customer.subscription.resumed": _on_subscription_changed,
    "charge.refunded": _on_charge_refunded,
}
