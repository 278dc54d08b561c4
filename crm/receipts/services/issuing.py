"""Gift receipts: issuing (numbers), reissuing, voiding, following refunds, and acknowledging new gifts."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.giving.models import Donation
from crm.interactions.models import Interaction
from crm.receipts import signals
from crm.receipts.models import (
    PersonalThanks,
    Receipt,
)
from crm.receipts.services.numbering import (
    ReceiptError,
    _language,
    local_today,
    numbers_allocate,
    receipt_delivery,
    receipt_recipient,
    receipt_settings,
)
from crm.receipts.services.statements import _issue_annual_statements

#: New gifts get their receipt (and their place in the thank-you queue) when received this recently:
#: a list of last decade's gifts imported today must not email a decade of receipts.
NEW_GIFT_WINDOW = datetime.timedelta(days=35)
PERSONAL_THANKS_WITHIN = datetime.timedelta(hours=72)


# --- gift receipts ---------------------------------------------------------------------------------------


def _purpose(donation: Donation) -> str:
    if not donation.recurring_donation_id:
        return Receipt.Purpose.GIFT
    # 年会費 for a yearly membership's gift, 月額会費 for a monthly one.
    yearly = donation.recurring_donation.interval == "year"
    return Receipt.Purpose.YEARLY if yearly else Receipt.Purpose.MONTHLY


@transaction.atomic
def receipt_issue_for_gift(*, donation: Donation, issued_on: datetime.date | None = None) -> Receipt:
    """The gift's receipt: the issued one if there is one, else a new one with the next number.

    Only for a gift the NPO keeps money of (succeeded, not wholly refunded); the amount is what it keeps.
    """
    donation = (
        Donation.objects.select_for_update(of=("self",)).select_related("donor__company").get(pk=donation.pk)
    )
    existing = Receipt.objects.filter(
        donation=donation, kind=Receipt.Kind.GIFT, status=Receipt.Status.ISSUED
    ).first()
    if existing is not None:
        return existing
    if donation.status != Donation.Status.SUCCEEDED or donation.net_amount <= 0:
        raise ReceiptError(_("Only a gift received and not refunded has a receipt."))
    return _issue_gift_receipt(donation=donation, issued_on=issued_on or local_today())


def _issue_gift_receipt(
    *, donation: Donation, issued_on: datetime.date, replaces: Receipt | None = None
) -> Receipt:
    donor = donation.donor
    name, to_company = receipt_recipient(donor)
    (number,) = numbers_allocate(kind=Receipt.Kind.GIFT, year=issued_on.year)
    received = timezone.localdate(donation.received_at)
    return Receipt.objects.create(
        kind=Receipt.Kind.GIFT,
        number=number,
        donor=donor,
        donation=donation,
        year=received.year,
        amount=donation.net_amount,
        currency=donation.currency,
        purpose=_purpose(donation),
        received_on=received,
        issued_on=issued_on,
        recipient_name=name,
        to_company=to_company,
        language=_language(donor),
        delivery=receipt_delivery(donor),
        replaces=replaces,
    )


@transaction.atomic
def receipt_reissue(*, receipt: Receipt, user=None) -> Receipt:
    """Print the receipt again, marked 再発行, with the same number and the same contents."""
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.is_voided:
        raise ReceiptError(_("A voided receipt cannot be reissued."))
    receipt.reissue_count += 1
    receipt.reissued_at = timezone.now()
    receipt.save(update_fields=["reissue_count", "reissued_at"])
    _note_on_timeline(receipt, _("Receipt %(number)s reissued") % {"number": receipt.number}, user=user)
    return receipt


@transaction.atomic
def receipt_void(*, receipt: Receipt, reason: str, user=None) -> Receipt:
    """Void (取消) a receipt: it keeps its number and contents and is printed with a void mark."""
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.is_voided:
        return receipt
    receipt.status = Receipt.Status.VOIDED
    receipt.voided_at = timezone.now()
    receipt.void_reason = reason[:255]
    receipt.save(update_fields=["status", "voided_at", "void_reason"])
    _note_on_timeline(
        receipt, _("Receipt %(number)s voided") % {"number": receipt.number}, user=user, body=reason
    )
    return receipt


def _note_on_timeline(
    receipt: Receipt, summary: str, *, user=None, body: str = "", kind: str = "note"
) -> None:
    Interaction.objects.create(
        donor_id=receipt.donor_id, kind=kind, summary=summary[:255], body=body, staff_user=user
    )


@transaction.atomic
def receipts_follow_refunds(*, since: datetime.datetime | None = None) -> int:
    """Void the receipt of every refunded gift; a partly refunded gift gets a new receipt (new number)
    for what the NPO kept, pointing at the voided one. An annual statement that counted the gift is
    voided and replaced the same way. Returns how many receipts were voided."""
    stale = Receipt.objects.filter(kind=Receipt.Kind.GIFT, status=Receipt.Status.ISSUED).filter(
        ~Q(donation__status=Donation.Status.SUCCEEDED)
        | ~Q(amount=F("donation__amount") - F("donation__amount_refunded"))
    )
    if since is not None:
        stale = stale.filter(issued_on__gte=timezone.localdate(since) - datetime.timedelta(days=400))
    voided = 0
    for receipt in stale.select_related("donation__donor__company").order_by("pk"):
        donation = receipt.donation
        reason = (
            _("Gift refunded") if donation.status != Donation.Status.SUCCEEDED else _("Gift partly refunded")
        )
        receipt_void(receipt=receipt, reason=reason)
        voided += 1
        if donation.status == Donation.Status.SUCCEEDED and donation.net_amount > 0:
            new = _issue_gift_receipt(donation=donation, issued_on=local_today(), replaces=receipt)
            if new.delivery == Receipt.Delivery.EMAIL:
                transaction.on_commit(lambda pk=new.pk: _enqueue_email(pk))
        for statement in Receipt.objects.filter(
            kind=Receipt.Kind.ANNUAL,
            status=Receipt.Status.ISSUED,
            donor_id=receipt.donor_id,
            year=receipt.year,
        ):
            receipt_void(receipt=statement, reason=reason)
            voided += 1
            _issue_annual_statements(
                donor_ids=[statement.donor_id], year=statement.year, replaces={statement.donor_id: statement}
            )
    return voided


def _enqueue_email(receipt_id: int) -> None:
    signals.receipt_email_due.send(sender=Receipt, receipt_id=receipt_id)


# --- new gifts: receipt, thanks, personal thanks ------------------------------------------------------------


def gifts_acknowledge(
    *, now: datetime.datetime | None = None, donation_ids: Iterable[int] | None = None
) -> dict[str, int]:
    """Give every new gift its receipt (sent as the donor chose), its thank-you status and, for a first
    or large gift, a personal thank-you within 72 hours. Safe to run any number of times.

    `donation_ids`: just these gifts, whenever received (a batch of bank transfers entered late is
    still new to the donor), right away rather than at the next scheduled run.
    """
    now = now or timezone.now()
    config = receipt_settings()
    receipts = Receipt.objects.filter(donation=OuterRef("pk"), kind=Receipt.Kind.GIFT)
    chosen = (
        Q(received_at__gte=now - NEW_GIFT_WINDOW) if donation_ids is None else Q(pk__in=list(donation_ids))
    )
    new_gifts = (
        Donation.objects.filter(chosen, status=Donation.Status.SUCCEEDED, received_at__lte=now)
        .exclude(thank_you_status="")
        .filter(~Exists(receipts))
        .filter(amount__gt=F("amount_refunded"))
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)
    )
    counts = {"receipts": 0, "emails": 0, "personal_thanks": 0}
    for donation_id in list(new_gifts):
        with transaction.atomic():
            donation = Donation.objects.select_related("donor__company", "recurring_donation").get(
                pk=donation_id
            )
            receipt = receipt_issue_for_gift(donation=donation, issued_on=timezone.localdate(now))
            counts["receipts"] += 1
            if _personal_thanks_open(donation=donation, large_from=config.large_gift_jpy):
                counts["personal_thanks"] += 1
            monthly_by_post = (
                receipt.purpose == Receipt.Purpose.MONTHLY and receipt.delivery == Receipt.Delivery.POST
            )
            if monthly_by_post and not config.post_monthly_receipts:
                # The annual statement goes by post instead; this one stays downloadable.
                Receipt.objects.filter(pk=receipt.pk).update(delivery=Receipt.Delivery.NONE)
            if receipt.delivery == Receipt.Delivery.EMAIL:
                counts["emails"] += 1
                transaction.on_commit(lambda pk=receipt.pk: _enqueue_email(pk))
    return counts


def _personal_thanks_open(*, donation: Donation, large_from: int) -> bool:
    earlier = Donation.objects.filter(
        donor_id=donation.donor_id, status=Donation.Status.SUCCEEDED, received_at__lt=donation.received_at
    ).exists()
    first = not earlier
    large = donation.currency == "JPY" and donation.amount >= large_from
    if not (first or large):
        return False
    _thanks, created = PersonalThanks.objects.get_or_create(
        donation=donation,
        defaults={
            "first_gift": first,
            "large_gift": large,
            "due_at": max(donation.created_at, donation.received_at) + PERSONAL_THANKS_WITHIN,
        },
    )
    return created
