"""Every write about receipts and thanks: issuing (numbers), reissuing, voiding, sending by email,
print batches, the annual run, the donor's delivery choice and the thank-you queue.

Sending follows one rule: the sending is recorded (a ReceiptDispatch with a unique key) and
committed before the email goes, and nothing is sent inside a database transaction. A retried task
or a resumed run finds the record and sends nothing; an email whose outcome is unknown (the process
died while sending) stays "sending" for a person to look at rather than going twice.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable, Sequence

from django.conf import settings as django_settings
from django.core import signing
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.donors.models import Donor
from crm.giving.models import Donation
from crm.interactions.models import Interaction
from crm.receipts import signals
from crm.receipts.models import (
    AnnualReceiptRun,
    PersonalThanks,
    PrintBatch,
    Receipt,
    ReceiptCounter,
    ReceiptDispatch,
    ReceiptSettings,
)
from crm.receipts.pdf import ReceiptDocument, addressee, receipts_pdf

logger = logging.getLogger(__name__)

#: New gifts get their receipt (and their place in the thank-you queue) when received this recently:
#: a list of last decade's gifts imported today must not email a decade of receipts.
NEW_GIFT_WINDOW = datetime.timedelta(days=35)
PERSONAL_THANKS_WITHIN = datetime.timedelta(hours=72)
DONOR_PAGE_SALT = "crm.receipts.donor-page"
DONOR_PAGE_MAX_AGE = 90 * 24 * 3600
ANNUAL_ISSUE_CHUNK = 2000
ANNUAL_SEND_CHUNK = 200


class ReceiptError(Exception):
    """A receipt operation that cannot be done (e.g. reissuing a voided receipt)."""


def receipt_settings() -> ReceiptSettings:
    return ReceiptSettings.load()


def local_today() -> datetime.date:
    return timezone.localdate()


# --- who, how, numbers ---------------------------------------------------------------------------------


def receipt_recipient(donor: Donor) -> tuple[str, bool]:
    """The name a receipt is made out to, and whether it goes to a company (御中) rather than a person (様)."""
    if donor.receipt_to_company and donor.company_id:
        company = donor.company
        name = company.name_en if donor.preferred_language == "en" and company.name_en else company.name
        return name, True
    if donor.receipt_name:
        return donor.receipt_name, False
    if donor.preferred_language == "en" and donor.given_name and donor.family_name and not donor.erased_at:
        return f"{donor.given_name} {donor.family_name}", False  # Lee Brown, not Brown Lee
    return donor.display_name, False


def receipt_delivery(donor: Donor) -> str:
    """The donor's choice, as it can be done: email without an address goes by post if there is one."""
    choice = donor.receipt_delivery
    if donor.erased_at:
        return Receipt.Delivery.NONE
    if choice == Donor.ReceiptDelivery.EMAIL and not donor.email:
        choice = Donor.ReceiptDelivery.POST
    if choice == Donor.ReceiptDelivery.POST and not (donor.postal_code or donor.address_line):
        return Receipt.Delivery.NONE
    return choice


def _language(donor: Donor) -> str:
    return "en" if donor.preferred_language == "en" else "ja"


def numbers_allocate(*, kind: str, year: int, count: int = 1) -> list[str]:
    """The next ``count`` receipt numbers of a series and year (R2026-000001, A2025-000001).

    Must run inside the transaction that stores them: the counter row stays locked until it commits,
    so two processes never get the same number, and a rollback returns the numbers unused.
    """
    if not transaction.get_connection().in_atomic_block:
        raise ReceiptError("numbers must be allocated inside the transaction that uses them")
    series = Receipt.SERIES[kind]
    ReceiptCounter.objects.bulk_create([ReceiptCounter(series=series, year=year)], ignore_conflicts=True)
    counter = ReceiptCounter.objects.select_for_update().get(series=series, year=year)
    first = counter.last_serial + 1
    counter.last_serial = F("last_serial") + count
    counter.save(update_fields=["last_serial"])
    return [f"{series}{year}-{serial:06d}" for serial in range(first, first + count)]


# --- gift receipts ---------------------------------------------------------------------------------------


def _purpose(donation: Donation) -> str:
    return Receipt.Purpose.MONTHLY if donation.recurring_donation_id else Receipt.Purpose.GIFT


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


def gifts_acknowledge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Give every new gift its receipt (sent as the donor chose), its thank-you status and, for a first
    or large gift, a personal thank-you within 72 hours. Safe to run any number of times."""
    now = now or timezone.now()
    config = receipt_settings()
    receipts = Receipt.objects.filter(donation=OuterRef("pk"), kind=Receipt.Kind.GIFT)
    new_gifts = (
        Donation.objects.filter(
            status=Donation.Status.SUCCEEDED,
            received_at__gte=now - NEW_GIFT_WINDOW,
            received_at__lte=now,
        )
        .exclude(thank_you_status="")
        .filter(~Exists(receipts))
        .filter(amount__gt=F("amount_refunded"))
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)
    )
    counts = {"receipts": 0, "emails": 0, "personal_thanks": 0}
    for donation_id in list(new_gifts):
        with transaction.atomic():
            donation = Donation.objects.select_related("donor__company").get(pk=donation_id)
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


# --- email ----------------------------------------------------------------------------------------------


def donor_page_token_make(*, donor: Donor) -> str:
    return signing.TimestampSigner(salt=DONOR_PAGE_SALT).sign_object({"d": donor.pk})


def donor_page_token_check(*, token: str) -> Donor | None:
    """The donor a link was made for, or None when it is forged or older than 90 days."""
    try:
        data = signing.TimestampSigner(salt=DONOR_PAGE_SALT).unsign_object(token, max_age=DONOR_PAGE_MAX_AGE)
    except signing.BadSignature:
        return None
    return Donor.objects.filter(pk=data.get("d"), erased_at__isnull=True).first()


def donor_page_link_request(*, email: str, language: str) -> bool:
    """Email the donor their page's link if the address is a donor's. Callers must not reveal the result."""
    from crm.donors.models import normalise_email

    address = normalise_email(email)
    donor = Donor.objects.filter(email=address, erased_at__isnull=True).first() if address else None
    if donor is None:
        return False
    with translation.override(_language(donor)):
        EmailMessage(
            subject=_("Your gifts and receipts at WELgee"),
            body=_(
                "Here is the link to your gifts and receipts. It works for 90 days.\n\n%(url)s\n\n"
                "If you did not ask for it, you can ignore this email.\n\nWELgee"
            )
            % {"url": donor_page_url(donor=donor)},
            from_email=django_settings.DEFAULT_FROM_EMAIL,
            to=[donor.email],
        ).send()
    return True


def donor_page_url(*, donor: Donor) -> str:
    path = reverse("receipts_donor_page", args=[donor_page_token_make(donor=donor)])
    return f"{django_settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def _email_for(receipt: Receipt, *, config: ReceiptSettings, pdf: bytes) -> EmailMessage:
    language = receipt.language
    donor = receipt.donor
    name = addressee(receipt.recipient_name, to_company=receipt.to_company, language=language)
    if language == "en":
        name = f"Dear {name},"
    fields = {"name": name, "year": receipt.year, "donor_page_url": donor_page_url(donor=donor)}
    prefix = "annual" if receipt.kind == Receipt.Kind.ANNUAL else "email"
    subject_field = "annual_subject" if prefix == "annual" else "email_subject"
    body_field = "annual_body" if prefix == "annual" else "email_body"
    message = EmailMessage(
        subject=config.text(subject_field, language).format(**fields),
        body=config.text(body_field, language).format(**fields),
        from_email=django_settings.DEFAULT_FROM_EMAIL,
        to=[donor.email],
        headers={"X-Receipt-Number": receipt.number},
    )
    message.attach(f"{receipt.number}.pdf", pdf, "application/pdf")
    return message


def receipt_pdf(receipt: Receipt, *, config: ReceiptSettings | None = None) -> bytes:
    return receipts_pdf([receipt], settings=config or receipt_settings(), title=receipt.number)


def _dispatch_key(receipt: Receipt, channel: str) -> str:
    return f"{channel}:{receipt.pk}:{receipt.reissue_count}"


def receipt_email_send(*, receipt_id: int) -> str:
    """Email one receipt to its donor, once. Returns the sending's state (or "skipped")."""
    receipt = Receipt.objects.select_related("donor", "donation").filter(pk=receipt_id).first()
    if receipt is None or receipt.is_voided or not receipt.donor.email:
        return "skipped"
    if ReceiptDispatch.objects.filter(key=_dispatch_key(receipt, "email")).exists():
        return ReceiptDispatch.objects.get(key=_dispatch_key(receipt, "email")).state
    config = receipt_settings()
    message = _email_for(receipt, config=config, pdf=receipt_pdf(receipt, config=config))
    try:
        with transaction.atomic():
            dispatch = ReceiptDispatch.objects.create(
                receipt=receipt, channel=ReceiptDispatch.Channel.EMAIL, key=_dispatch_key(receipt, "email")
            )
    except IntegrityError:  # another worker recorded it between our look and our insert
        return ReceiptDispatch.objects.get(key=_dispatch_key(receipt, "email")).state
    try:
        message.send()
    except Exception as exc:  # the mail server's refusal, whatever its class: recorded, not retried
        logger.warning("receipt %s not sent: %s", receipt.number, exc)
        ReceiptDispatch.objects.filter(pk=dispatch.pk).update(
            state=ReceiptDispatch.State.FAILED, error=str(exc)[:2000]
        )
        return ReceiptDispatch.State.FAILED
    _dispatches_sent([dispatch.pk], [receipt])
    return ReceiptDispatch.State.SENT


@transaction.atomic
def _dispatches_sent(dispatch_ids: Sequence[int], receipts: Sequence[Receipt]) -> None:
    """Mark sendings done, put them on the donors' timelines, and thank card gifts thanked by the email."""
    now = timezone.now()
    ReceiptDispatch.objects.filter(pk__in=dispatch_ids).update(state=ReceiptDispatch.State.SENT, sent_at=now)
    with translation.override(django_settings.LANGUAGE_CODE):
        Interaction.objects.bulk_create(
            [
                Interaction(
                    donor_id=r.donor_id,
                    kind=Interaction.Kind.EMAIL,
                    happened_at=now,
                    summary=(
                        _("Annual statement %(number)s sent by email")
                        if r.kind == Receipt.Kind.ANNUAL
                        else _("Receipt %(number)s sent by email")
                    )
                    % {"number": r.number},
                )
                for r in receipts
            ]
        )
    gift_ids = [r.donation_id for r in receipts if r.donation_id]
    if gift_ids:
        Donation.objects.filter(
            pk__in=gift_ids, method=Donation.Method.CARD, thank_you_status=Donation.ThankYouStatus.TO_THANK
        ).update(thank_you_status=Donation.ThankYouStatus.EMAIL)


# --- print batches -----------------------------------------------------------------------------------------


def receipts_waiting_for_post() -> QuerySet[Receipt]:
    return Receipt.objects.filter(
        delivery=Receipt.Delivery.POST, print_batch__isnull=True, status=Receipt.Status.ISSUED
    )


def postal_order(queryset: QuerySet[Receipt]) -> QuerySet[Receipt]:
    """Postal-code order, as the post office sorts; the number breaks ties so the order is stable."""
    return queryset.select_related("donor").order_by("donor__postal_code", "number")


@transaction.atomic
def print_batch_create(
    *, title: str = "", user=None, receipts: QuerySet[Receipt] | None = None
) -> PrintBatch | None:
    """Gather receipts waiting for the post into one batch (none waiting: no batch)."""
    queryset = receipts if receipts is not None else receipts_waiting_for_post()
    ids = list(queryset.select_for_update(of=("self",)).values_list("pk", flat=True))
    if not ids:
        return None
    now = timezone.now()
    batch = PrintBatch.objects.create(
        title=title or _("Receipts by post, %(date)s") % {"date": timezone.localdate(now).isoformat()},
        created_by=user,
        page_count=len(ids),
    )
    Receipt.objects.filter(pk__in=ids).update(print_batch=batch)
    in_batch = list(
        Receipt.objects.filter(pk__in=ids).only("pk", "donor_id", "number", "kind", "reissue_count")
    )
    ReceiptDispatch.objects.bulk_create(
        [
            ReceiptDispatch(
                receipt=r,
                channel=ReceiptDispatch.Channel.POST,
                key=_dispatch_key(r, "post"),
                state=ReceiptDispatch.State.SENT,
                sent_at=now,
            )
            for r in in_batch
        ],
        ignore_conflicts=True,
    )
    with translation.override(django_settings.LANGUAGE_CODE):
        Interaction.objects.bulk_create(
            [
                Interaction(
                    donor_id=r.donor_id,
                    kind=Interaction.Kind.NOTE,
                    happened_at=now,
                    summary=_("%(document)s %(number)s sent by post (%(batch)s)")
                    % {"document": r.get_kind_display(), "number": r.number, "batch": batch.title},
                )
                for r in in_batch
            ]
        )
    return batch


def print_batch_pdf(batch: PrintBatch) -> bytes:
    return receipts_pdf(
        postal_order(batch.receipts.all()).iterator(chunk_size=500),
        settings=receipt_settings(),
        title=batch.title,
    )


# --- annual statements -----------------------------------------------------------------------------------


def _annual_gifts(year: int) -> QuerySet[Donation]:
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    return Donation.objects.filter(
        status=Donation.Status.SUCCEEDED,
        received_at__gte=start,
        received_at__lt=end,
        amount__gt=F("amount_refunded"),
    )


@transaction.atomic
def _issue_annual_statements(
    *,
    donor_ids: Sequence[int],
    year: int,
    run: AnnualReceiptRun | None = None,
    replaces: dict[int, Receipt] | None = None,
) -> list[Receipt]:
    """One statement each for these donors (those who already have one are left alone)."""
    have = set(
        Receipt.objects.filter(
            kind=Receipt.Kind.ANNUAL, status=Receipt.Status.ISSUED, year=year, donor_id__in=donor_ids
        ).values_list("donor_id", flat=True)
    )
    lines: dict[int, list] = {}
    gifts = (
        _annual_gifts(year)
        .filter(donor_id__in=[d for d in donor_ids if d not in have])
        .order_by("donor_id", "received_at", "pk")
        .values_list(
            "donor_id", "received_at", "amount", "amount_refunded", "recurring_donation_id", "currency"
        )
    )
    for donor_id, received_at, amount, refunded, recurring_id, currency in gifts:
        if currency != "JPY":
            continue  # a statement in yen; other currencies keep their per-gift receipts
        lines.setdefault(donor_id, []).append(
            [
                timezone.localdate(received_at).isoformat(),
                amount - refunded,
                "monthly" if recurring_id else "gift",
            ]
        )
    if not lines:
        return []
    donors = Donor.objects.select_related("company").in_bulk(list(lines))
    numbers = numbers_allocate(kind=Receipt.Kind.ANNUAL, year=year, count=len(lines))
    today = local_today()
    statements = []
    for number, donor_id in zip(numbers, sorted(lines), strict=True):
        donor = donors[donor_id]
        name, to_company = receipt_recipient(donor)
        donor_lines = lines[donor_id]
        monthly = all(line[2] == "monthly" for line in donor_lines)
        statements.append(
            Receipt(
                kind=Receipt.Kind.ANNUAL,
                number=number,
                donor=donor,
                year=year,
                amount=sum(line[1] for line in donor_lines),
                currency="JPY",
                purpose=Receipt.Purpose.MONTHLY if monthly else Receipt.Purpose.GIFT,
                lines=donor_lines,
                issued_on=today,
                recipient_name=name,
                to_company=to_company,
                language=_language(donor),
                delivery=receipt_delivery(donor),
                annual_run=run,
                replaces=(replaces or {}).get(donor_id),
            )
        )
    return Receipt.objects.bulk_create(statements)


def annual_statement_for(*, donor: Donor, year: int) -> Receipt | None:
    """The donor's statement for a year, issued now if they gave that year and have none yet."""
    statement = Receipt.objects.filter(
        donor=donor, kind=Receipt.Kind.ANNUAL, year=year, status=Receipt.Status.ISSUED
    ).first()
    if statement is None:
        created = _issue_annual_statements(donor_ids=[donor.pk], year=year)
        statement = created[0] if created else None
    return statement


def annual_run_start(*, year: int, user=None) -> AnnualReceiptRun:
    """Create (or find) the run for a year and queue it; a finished run is not started again."""
    run, _created = AnnualReceiptRun.objects.get_or_create(year=year, defaults={"created_by": user})
    if run.status != AnnualReceiptRun.Status.DONE:
        transaction.on_commit(lambda: _enqueue_run(run.pk))
    return run


def _enqueue_run(run_id: int) -> None:
    signals.annual_run_due.send(sender=AnnualReceiptRun, run_id=run_id)


def annual_run_advance(*, run_id: int, deliver: bool = True, helpers: int = 1) -> AnnualReceiptRun:
    """Do (or resume) a run: issue statements in chunks of donors, then send them. Every step stores
    its progress as it commits, so after a crash the same call carries on from there.

    Drawing 100,000 PDFs is most of the work, so once the statements are issued ``helpers`` more
    sending tasks are queued: with several workers (``db_worker`` processes) they share the sending.
    """
    run = AnnualReceiptRun.objects.get(pk=run_id)
    if run.status == AnnualReceiptRun.Status.DONE:
        return run
    try:
        if run.status != AnnualReceiptRun.Status.DELIVERING:
            _annual_issue(run)
        if deliver:
            for _helper in range(helpers):
                _enqueue_deliver(run.pk)
            annual_run_deliver_and_finish(run_id=run.pk)
    except Exception as exc:
        AnnualReceiptRun.objects.filter(pk=run.pk).update(
            status=AnnualReceiptRun.Status.FAILED, error=str(exc)[:2000]
        )
        raise
    return AnnualReceiptRun.objects.get(pk=run.pk)


def _annual_issue(run: AnnualReceiptRun) -> None:
    givers = _annual_gifts(run.year).values("donor_id").distinct()
    AnnualReceiptRun.objects.filter(pk=run.pk).update(
        status=AnnualReceiptRun.Status.ISSUING,
        donors_total=givers.count(),
        started_at=run.started_at or timezone.now(),
        updated_at=timezone.now(),
        error="",
    )
    # Walk donors in id order and probe each one's gifts (an index lookup), so a chunk costs its
    # own 2,000 donors rather than a DISTINCT over the year's million gifts every time.
    gave = _annual_gifts(run.year).filter(donor_id=OuterRef("pk"))
    donor_ids = Donor.objects.filter(Exists(gave)).order_by("pk").values_list("pk", flat=True)
    cursor = run.issued_up_to_donor_id
    while True:
        chunk = list(donor_ids.filter(pk__gt=cursor)[:ANNUAL_ISSUE_CHUNK])
        if not chunk:
            break
        with transaction.atomic():
            locked = AnnualReceiptRun.objects.select_for_update().get(pk=run.pk)
            if locked.issued_up_to_donor_id != cursor:
                cursor = locked.issued_up_to_donor_id  # another worker took this chunk
                continue
            issued = _issue_annual_statements(donor_ids=chunk, year=run.year, run=run)
            AnnualReceiptRun.objects.filter(pk=run.pk).update(
                issued_up_to_donor_id=chunk[-1],
                statements_issued=F("statements_issued") + len(issued),
                updated_at=timezone.now(),
            )
        cursor = chunk[-1]
    AnnualReceiptRun.objects.filter(pk=run.pk).update(
        status=AnnualReceiptRun.Status.DELIVERING, updated_at=timezone.now()
    )


def annual_run_deliver(*, run_id: int, limit: int | None = None) -> int:
    """Email the run's statements not yet sent, a chunk at a time; several workers may share the work.
    Returns how many this call sent."""
    config = receipt_settings()
    sent_total = 0
    while limit is None or sent_total < limit:
        claim = uuid.uuid4()
        with transaction.atomic():
            candidates = list(
                Receipt.objects.filter(
                    annual_run_id=run_id, delivery=Receipt.Delivery.EMAIL, status=Receipt.Status.ISSUED
                )
                .filter(~Exists(ReceiptDispatch.objects.filter(receipt=OuterRef("pk"), channel="email")))
                .order_by("pk")
                .select_for_update(skip_locked=True)
                .only("pk", "reissue_count")[:ANNUAL_SEND_CHUNK]
            )
            if not candidates:
                break
            # Recorded (and committed) before anything is sent: the claim is ours alone.
            ReceiptDispatch.objects.bulk_create(
                [
                    ReceiptDispatch(
                        receipt=r,
                        channel=ReceiptDispatch.Channel.EMAIL,
                        key=_dispatch_key(r, "email"),
                        claim=claim,
                    )
                    for r in candidates
                ],
                ignore_conflicts=True,
            )
        ours = list(ReceiptDispatch.objects.filter(claim=claim).values_list("pk", "receipt_id"))
        receipts = Receipt.objects.select_related("donor").in_bulk([rid for _pk, rid in ours])
        messages, sent, failed = [], [], []
        document_receipts = []
        for dispatch_id, receipt_id in ours:
            receipt = receipts[receipt_id]
            if not receipt.donor.email:
                failed.append((dispatch_id, "no email address"))
                continue
            messages.append(
                (dispatch_id, _email_for(receipt, config=config, pdf=receipt_pdf(receipt, config=config)))
            )
            document_receipts.append(receipt)
        connection = mailers.default
        for (dispatch_id, message), receipt in zip(messages, document_receipts, strict=True):
            try:
                connection.send_messages([message])
            except Exception as exc:  # recorded per message; the others still go
                failed.append((dispatch_id, str(exc)[:2000]))
                continue
            sent.append((dispatch_id, receipt))
        if sent:
            _dispatches_sent([d for d, _r in sent], [r for _d, r in sent])
        for dispatch_id, error in failed:
            ReceiptDispatch.objects.filter(pk=dispatch_id).update(
                state=ReceiptDispatch.State.FAILED, error=error
            )
        AnnualReceiptRun.objects.filter(pk=run_id).update(
            emails_sent=F("emails_sent") + len(sent),
            emails_failed=F("emails_failed") + len(failed),
            updated_at=timezone.now(),
        )
        sent_total += len(sent)
    return sent_total


def _enqueue_deliver(run_id: int) -> None:
    signals.annual_run_delivery_due.send(sender=AnnualReceiptRun, run_id=run_id)


def annual_run_deliver_and_finish(*, run_id: int) -> int:
    """Send what is left of a run; whoever finds nothing left closes it (and makes its print batch)."""
    sent = annual_run_deliver(run_id=run_id)
    _annual_finish(run_id)
    return sent


def _annual_finish(run_id: int) -> None:
    with transaction.atomic():
        run = AnnualReceiptRun.objects.select_for_update().get(pk=run_id)
        if run.status != AnnualReceiptRun.Status.DELIVERING:
            return  # done already, or still issuing (a helper that started early)
        unsent = Receipt.objects.filter(
            annual_run=run, delivery=Receipt.Delivery.EMAIL, status=Receipt.Status.ISSUED
        ).filter(~Exists(ReceiptDispatch.objects.filter(receipt=OuterRef("pk"), channel="email")))
        if unsent.exists():
            return  # another worker is still sending; it finishes the run
        batch = print_batch_create(
            title=_("Annual statements %(year)s by post") % {"year": run.year},
            user=run.created_by,
            receipts=receipts_waiting_for_post().filter(annual_run=run),
        )
        run.print_batch = batch or run.print_batch
        run.posted = batch.page_count if batch else run.posted
        run.status = AnnualReceiptRun.Status.DONE
        run.finished_at = timezone.now()
        run.updated_at = run.finished_at
        run.save()


# --- the donor's own choices -------------------------------------------------------------------------------


@transaction.atomic
def receipt_delivery_choose(*, donor: Donor, delivery: str) -> Donor:
    if delivery not in Donor.ReceiptDelivery.values:
        raise ReceiptError(_("Choose email, post or no receipts."))
    if donor.receipt_delivery != delivery:
        donor.receipt_delivery = delivery
        donor.save(update_fields=["receipt_delivery"])
        with translation.override(django_settings.LANGUAGE_CODE):
            Interaction.objects.create(
                donor=donor,
                kind=Interaction.Kind.NOTE,
                summary=_("Receipts: %(choice)s (chosen by the donor)")
                % {"choice": donor.get_receipt_delivery_display()},
            )
    return donor


def donor_gifts(*, donor: Donor) -> QuerySet[Donation]:
    return donor.donations.filter(status__in=[Donation.Status.SUCCEEDED, Donation.Status.REFUNDED]).order_by(
        "-received_at", "-pk"
    )


def donor_statement_years(*, donor: Donor) -> list[int]:
    years = {
        timezone.localdate(received).year
        for received in donor.donations.filter(
            status=Donation.Status.SUCCEEDED, amount__gt=F("amount_refunded")
        ).values_list("received_at", flat=True)
    }
    return sorted(years, reverse=True)


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


def year_total(*, donor: Donor, year: int) -> int:
    return (
        _annual_gifts(year)
        .filter(donor=donor)
        .aggregate(total=Sum(F("amount") - F("amount_refunded")))["total"]
        or 0
    )
