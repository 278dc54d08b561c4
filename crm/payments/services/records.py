"""What a Stripe event writes: the donor, the monthly membership, the gift. Each write is keyed by
Stripe ids under unique constraints (get_or_create), so applying an event twice changes nothing."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from crm.donors.models import Donor, normalise_email
from crm.giving.models import Donation, RecurringDonation
from crm.payments.models import StripeEvent, StripeSubscriptionClock
from crm.payments.signals import first_gift_recorded, membership_ended, subscription_recorded

logger = logging.getLogger(__name__)

Status = RecurringDonation.Status
Interval = RecurringDonation.Interval

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


def stripe_interval(obj: dict[str, Any]) -> str:
    """month or year, from what a Stripe subscription, invoice or checkout session carries.

    A subscription names its price's interval; an invoice line has its period; a checkout session
    only has our metadata (the donation page writes ``frequency`` there and on the subscription).
    """
    items = (obj.get("items") or {}).get("data") or []
    recurring = ((items[0].get("price") or {}).get("recurring") or {}) if items else {}
    if recurring.get("interval"):
        return Interval.YEAR if recurring["interval"] == "year" else Interval.MONTH
    details = (obj.get("parent") or {}).get("subscription_details") or {}
    metadata = obj.get("metadata") or details.get("metadata") or {}
    if metadata.get("frequency") in ("monthly", "yearly"):
        return Interval.YEAR if metadata["frequency"] == "yearly" else Interval.MONTH
    lines = (obj.get("lines") or {}).get("data") or []
    period = (lines[0].get("period") or {}) if lines else {}
    # A yearly period is ~365 days, a monthly one 28-31: anything over two months is yearly.
    if period.get("end") and period.get("start") and period["end"] - period["start"] > 60 * 86400:
        return Interval.YEAR
    return Interval.MONTH


def _recurring_for(
    *,
    subscription_id: str,
    donor: Donor,
    amount: int,
    currency: str,
    started_at: dt.datetime,
    status: str,
    interval: str = "month",
) -> tuple[RecurringDonation, bool]:
    # Locked as it is read (FOR UPDATE on PostgreSQL): the caller changes its status next.
    recurring, created = RecurringDonation.objects.select_for_update().get_or_create(
        external_id=subscription_id,
        defaults={
            "donor": donor,
            "amount": amount,
            "currency": currency.upper(),
            "interval": interval,
            "status": status,
            "started_at": started_at,
        },
    )
    if created:
        # Subscription events that came before we knew the donor can be applied once this commits.
        # Looking for them only after the commit closes the race with one being stored right now.
        transaction.on_commit(
            lambda: subscription_recorded.send(sender=RecurringDonation, subscription_id=subscription_id)
        )
    return recurring, created


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
        transaction.on_commit(lambda: first_gift_recorded.send(sender=Donation, donation_id=donation.pk))
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
