"""One handler per Stripe event type; each returns the event's outcome (a StripeEvent status)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crm.donors.models import Donor
from crm.giving.models import Donation, RecurringDonation
from crm.payments.models import StripeEvent
from crm.payments.services.records import (
    SUBSCRIPTION_STATUSES,
    Status,
    SubscriptionNotYetKnown,
    _clock_allows,
    _event_language,
    _invoice_attempt_ids,
    _invoice_payment_id,
    _invoice_subscription_id,
    _recurring_for,
    _set_status,
    _stripe_time,
    _subscription_amount,
    donation_record_failed_from_stripe,
    donation_record_from_stripe,
    donation_refund_record,
    donor_for_stripe_customer,
    stripe_interval,
)
from crm.payments.services.recovery import (
    payment_card_record,
    recoveries_lose,
    recovery_failure_record,
    recovery_paid_record,
)


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
            interval=stripe_interval(session),
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
            interval=stripe_interval(session),
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
        interval=stripe_interval(invoice),
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
    # A renewal that had failed is paid now (Stripe's retry, or the donor's new card): recovered.
    recovery_paid_record(invoice_id=invoice["id"], paid_at=event.created)
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
    if not paid_in_the_end and not first_invoice:
        # A renewal failed: the donor is asked to update their card, and reminded (payments/recovery).
        recovery_failure_record(recurring=recurring, invoice=invoice, failed_at=event.created)
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
            interval=stripe_interval(subscription),
        )
    if not _clock_allows(subscription_id=subscription_id, event=event):
        return StripeEvent.Status.PROCESSED  # older than what we hold: nothing to roll back
    amount = _subscription_amount(subscription)
    # Without items (a trimmed payload) the event says nothing about the interval: keep ours.
    interval = stripe_interval(subscription) if amount else recurring.interval
    if recurring.status != Status.CANCELED and (amount, interval) != (recurring.amount, recurring.interval):
        # The donor changed the amount or switched between monthly and yearly in the portal.
        recurring.amount = amount or recurring.amount
        recurring.interval = interval
        recurring.save(update_fields=["amount", "interval"])
    if _set_status(recurring, status, when=event.created) and status == Status.CANCELED:
        recoveries_lose(recurring=recurring, when=event.created)
    return StripeEvent.Status.PROCESSED


def _on_card_seen(event: StripeEvent) -> str:
    """charge.succeeded and payment_method.* events: keep the customer's card brand and expiry, so
    fundraisers see members whose card runs out next month (and the donor is reminded)."""
    obj = event.data_object
    card = obj.get("card") or ((obj.get("payment_method_details") or {}).get("card")) or {}
    stored = payment_card_record(customer_id=obj.get("customer") or "", card=card, seen_at=event.created)
    return StripeEvent.Status.PROCESSED if stored else StripeEvent.Status.IGNORED


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
    "charge.succeeded": _on_card_seen,
    "payment_method.attached": _on_card_seen,
    "payment_method.updated": _on_card_seen,
    "payment_method.automatically_updated": _on_card_seen,
}
