"""Demo receipts and thanks for `load_demo_data`: last year's annual run (done, with its print
batch), receipts for the last weeks' gifts (one reissued, one voided), gifts in every thank-you
state and personal thanks to do. Nothing is emailed: the demo records sendings as done. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from crm.donors.models import Donor
from crm.giving.models import Donation
from crm.receipts import services
from crm.receipts.models import AnnualReceiptRun, PersonalThanks, Receipt, ReceiptDispatch


def load_receipts_demo(*, as_of: dt.datetime, domain: str) -> dict[str, int]:
    demo_donors = Donor.objects.filter(email__endswith="@" + domain).order_by("pk")
    ids = list(demo_donors.values_list("pk", flat=True))
    if not ids:
        return {}
    with transaction.atomic():
        # Some donors chose the post, one no receipts, one a joint name.
        Donor.objects.filter(pk__in=ids[::17]).update(receipt_delivery=Donor.ReceiptDelivery.POST)
        Donor.objects.filter(pk=ids[1]).update(receipt_delivery=Donor.ReceiptDelivery.NONE)
        joint = Donor.objects.get(pk=ids[2])
        if not joint.receipt_name and joint.preferred_language == "ja":
            Donor.objects.filter(pk=joint.pk).update(
                receipt_name=f"{joint.family_name} {joint.given_name}・花子"
            )
        # Gifts from before thanks were tracked here: cards were thanked by email, transfers by letter.
        window = as_of - services.NEW_GIFT_WINDOW
        gifts = Donation.objects.filter(donor_id__in=ids, received_at__lt=window, thank_you_status="to_thank")
        gifts.filter(method=Donation.Method.CARD).update(thank_you_status=Donation.ThankYouStatus.EMAIL)
        gifts.exclude(method=Donation.Method.CARD).update(thank_you_status=Donation.ThankYouStatus.LETTER)

    last_year = as_of.year - 1
    if not AnnualReceiptRun.objects.filter(year=last_year).exists():
        run = AnnualReceiptRun.objects.create(year=last_year)
        services.annual_run_advance(run_id=run.pk, deliver=False)
        _record_as_emailed(Receipt.objects.filter(annual_run=run, delivery=Receipt.Delivery.EMAIL))
        services._annual_finish(run.pk)
        AnnualReceiptRun.objects.filter(pk=run.pk).update(
            emails_sent=ReceiptDispatch.objects.filter(receipt__annual_run=run, channel="email").count()
        )

    # Receipts for the last weeks' gifts, as the schedule would have made them.
    config = services.receipt_settings()
    recent = Donation.objects.filter(
        donor_id__in=ids, status=Donation.Status.SUCCEEDED, received_at__gte=window, receipts__isnull=True
    ).select_related("donor")
    made = []
    for gift in recent.order_by("received_at", "pk"):
        with transaction.atomic():
            receipt = services.receipt_issue_for_gift(
                donation=gift, issued_on=timezone.localdate(gift.received_at)
            )
            services._personal_thanks_open(donation=gift, large_from=config.large_gift_jpy)
        made.append(receipt)
    _record_as_emailed(Receipt.objects.filter(pk__in=[r.pk for r in made], delivery=Receipt.Delivery.EMAIL))
    if made and not Receipt.objects.filter(donor_id__in=ids, reissue_count__gt=0).exists():
        services.receipt_reissue(receipt=made[0])
    if len(made) > 1 and not Receipt.objects.filter(donor_id__in=ids, kind="gift", status="voided").exists():
        services.receipt_void(receipt=made[-1], reason="デモ: 宛名の誤り / demo: wrong name")
    services.print_batch_create(title="郵送の領収書(デモ) / Receipts by post (demo)")

    # Every thank-you state shows in the queue and the donors' records.
    open_transfers = Donation.objects.filter(donor_id__in=ids, received_at__gte=window).exclude(method="card")
    if not open_transfers.exists():
        for donor_id in ids[3:8]:
            Donation.objects.create(
                donor_id=donor_id,
                amount=10000,
                method=Donation.Method.BANK_TRANSFER,
                received_at=as_of - dt.timedelta(days=2),
            )
    recent_cards = list(
        Donation.objects.filter(donor_id__in=ids, received_at__gte=window, method="card").values_list(
            "pk", flat=True
        )[:6]
    )
    services.thank_you_mark(donation_ids=recent_cards[:2], status=Donation.ThankYouStatus.CALL)
    services.thank_you_mark(donation_ids=recent_cards[2:3], status=Donation.ThankYouStatus.DO_NOT_THANK)
    services.thank_you_mark(donation_ids=recent_cards[3:4], status=Donation.ThankYouStatus.TO_THANK)
    done = PersonalThanks.objects.filter(donation__donor_id__in=ids).order_by("pk").first()
    if (
        done is not None
        and done.done_at is None
        and PersonalThanks.objects.filter(done_at__isnull=True).count() > 3
    ):
        services.personal_thanks_done(
            thanks=done, how="call", note="デモ: お電話でお礼 / demo: thanked by phone"
        )
    return {"receipts": Receipt.objects.filter(donor_id__in=ids).count()}


def _record_as_emailed(receipts) -> None:
    """The demo's sendings, recorded as the email service records them (nothing is sent)."""
    todo = list(receipts.exclude(dispatches__channel="email"))
    if not todo:
        return
    ReceiptDispatch.objects.bulk_create(
        [ReceiptDispatch(receipt=r, channel="email", key=f"email:{r.pk}:{r.reissue_count}") for r in todo],
        ignore_conflicts=True,
    )
    ids = list(ReceiptDispatch.objects.filter(receipt__in=todo, state="sending").values_list("pk", flat=True))
    services._dispatches_sent(ids, todo)
