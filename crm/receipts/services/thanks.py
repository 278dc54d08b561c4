"""The thank-you queue: marking gifts thanked, personal thanks, and thank-you letters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from crm.giving.models import Donation
from crm.interactions.models import Interaction
from crm.receipts.models import (
    PersonalThanks,
)
from crm.receipts.pdf import ReceiptDocument
from crm.receipts.services.numbering import (
    ReceiptError,
    _language,
    local_today,
    receipt_recipient,
    receipt_settings,
)

# --- thanks ---------------------------------------------------------------------------------------------------


@transaction.atomic
def thank_you_mark(*, donation_ids: Iterable[int], status: str, user=None) -> int:
    """Record how gifts were thanked (or that they are not to be); each thanked gift shows on the timeline."""
    if status not in Donation.ThankYouStatus.values:
        raise ReceiptError("unknown thank-you status")
    donations = list(Donation.objects.select_for_update().filter(pk__in=list(donation_ids)))
    changed = [d for d in donations if d.thank_you_status != status]
    Donation.objects.filter(pk__in=[d.pk for d in changed]).update(thank_you_status=status)
    with translation.override(django_settings.LANGUAGE_CODE):
        label = Donation.ThankYouStatus(status).label
        Interaction.objects.bulk_create(
            [
                Interaction(
                    donor_id=d.donor_id,
                    kind={"call": Interaction.Kind.CALL, "email": Interaction.Kind.EMAIL}.get(
                        status, Interaction.Kind.NOTE
                    ),
                    summary=f"{label}: ¥{d.amount:,} ({timezone.localdate(d.received_at).isoformat()})",
                    staff_user=user,
                )
                for d in changed
                if status != Donation.ThankYouStatus.TO_THANK
            ]
        )
    return len(changed)


@transaction.atomic
def personal_thanks_done(*, thanks: PersonalThanks, how: str, user=None, note: str = "") -> PersonalThanks:
    thanks = PersonalThanks.objects.select_for_update().select_related("donation").get(pk=thanks.pk)
    if thanks.done_at is None:
        thanks.done_at = timezone.now()
        thanks.done_how = how
        thanks.done_by = user
        thanks.note = note
        thanks.save(update_fields=["done_at", "done_how", "done_by", "note"])
        status = {"call": "call", "letter": "letter", "email": "email"}[how]
        thank_you_mark(donation_ids=[thanks.donation_id], status=status, user=user)
    return thanks


def thank_you_letters_pdf(*, donations: Sequence[Donation]) -> bytes:
    """One letter a page, in each donor's language, addressed with 様 (joint names each with 様)."""
    config = receipt_settings()
    document = ReceiptDocument(settings=config, title="letters")
    for donation in donations:
        donor = donation.donor
        name, to_company = receipt_recipient(donor)
        language = _language(donor)
        from crm.receipts.pdf import format_amount, format_date

        body = config.text("letter", language).format(
            amount=format_amount(donation.amount, donation.currency, language),
            date=format_date(timezone.localdate(donation.received_at), language),
        )
        document.add_letter(
            name=name, to_company=to_company, language=language, body=body, date=local_today()
        )
    return document.finish()


def thank_you_queue() -> QuerySet[Donation]:
    return (
        Donation.objects.filter(
            thank_you_status=Donation.ThankYouStatus.TO_THANK, status=Donation.Status.SUCCEEDED
        )
        .select_related("donor")
        .order_by("received_at", "pk")
    )
