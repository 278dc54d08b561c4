"""Receipts reaching donors: by email (once), by post in print batches, and the donor's own page.

Sending follows one rule: the sending is recorded (a ReceiptDispatch with a unique key) and
committed before the email goes, and nothing is sent inside a database transaction. A retried task
finds the record and sends nothing; an email whose outcome is unknown (the process died while
sending) stays "sending" for a person to look at rather than going twice.
"""

from __future__ import annotations

import base64
import email.policy
import logging
import random
import sys
from collections.abc import Sequence
from email.headerregistry import HeaderRegistry
from email.message import MIMEPart
from functools import lru_cache

from django.conf import settings as django_settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.donors.models import Donor
from crm.giving.models import Donation
from crm.interactions.models import Interaction
from crm.receipts.models import (
    PrintBatch,
    Receipt,
    ReceiptDispatch,
    ReceiptSettings,
)
from crm.receipts.pdf import addressee, receipts_pdf
from crm.receipts.services.numbering import ReceiptError, _language, receipt_settings

logger = logging.getLogger(__name__)

DONOR_PAGE_SALT = "crm.receipts.donor-page"
DONOR_PAGE_MAX_AGE = 90 * 24 * 3600


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
    message = _ReceiptEmail(
        subject=config.text(subject_field, language).format(**fields),
        body=config.text(body_field, language).format(**fields),
        from_email=django_settings.DEFAULT_FROM_EMAIL,
        to=[donor.email],
        headers={"X-Receipt-Number": receipt.number},
    )
    message.attach(f"{receipt.number}.pdf", pdf, "application/pdf")
    return message


class _ReceiptEmail(EmailMessage):
    """A receipt's email: its PDF goes into the message as a part made ready to write.

    Django's own way encodes the file to base64 a line at a time in Python and stores each header
    parsed, to fold it again when the message is written: a third of the time an annual
    statement's email took. Here the file is encoded in one call and the headers, short and ASCII
    (the file name is the receipt number), are stored as written. The message reads the same, and
    ``attachments`` still holds (file name, content, type).
    """

    def message(self, *, policy=email.policy.default):
        msg = super().message(policy=_with_header_classes_kept(policy))
        if msg.is_multipart() and all(a.mimetype == "application/pdf" for a in self.attachments):
            # Else the writer picks the boundary and, to be sure no line of the message is that
            # boundary, compiles a pattern and searches the whole written message with it: a
            # tenth of the email's time. Every line here is base64 (no "-" in it) or the body.
            boundary = f"{'=' * 15}{random.randrange(sys.maxsize):019d}=="
            if boundary not in self.body:
                msg.set_boundary(boundary)
        return msg

    def _add_attachment(self, msg, filename, content, mimetype):
        if mimetype != "application/pdf" or not isinstance(content, bytes) or not _plain_name(filename):
            return super()._add_attachment(msg, filename, content, mimetype)
        part = MIMEPart(policy=msg.policy)
        part.set_raw("Content-Type", "application/pdf")
        part.set_raw("Content-Transfer-Encoding", "base64")
        part.set_raw("Content-Disposition", f'attachment; filename="{filename}"')
        part.set_payload(base64.encodebytes(content).decode("ascii"))
        msg.attach(part)
        return None


class _HeaderClasses(HeaderRegistry):
    """The registry's header classes, each made once.

    email.headerregistry makes a new class for every header it stores or reads (a dozen or more an
    email), a tenth of the time building a receipt's email took; the classes are all alike.
    """

    def __init__(self, registry: HeaderRegistry) -> None:
        super().__init__(base_class=registry.base_class, default_class=registry.default_class)
        self.registry = dict(registry.registry)
        self._made: dict[str, type] = {}

    def __getitem__(self, name):
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


@lru_cache(maxsize=8)
def _with_header_classes_kept(policy):
    """The mailer's policy (SMTP's line ends and all), its header classes kept between messages."""
    if type(policy.header_factory) is not HeaderRegistry:
        return policy  # someone's own factory: left as it is
    return policy.clone(header_factory=_HeaderClasses(policy.header_factory))


def _plain_name(filename: str) -> bool:
    """A file name that needs neither quoting nor encoding in a header (A2025-000001.pdf)."""
    return filename.isascii() and filename.replace("-", "").replace(".", "").replace("_", "").isalnum()


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
    return (
        donor.donations.filter(status__in=[Donation.Status.SUCCEEDED, Donation.Status.REFUNDED])
        .select_related("recurring_donation")
        .order_by("-received_at", "-pk")
    )


def donor_statement_years(*, donor: Donor) -> list[int]:
    years = {
        timezone.localdate(received).year
        for received in donor.donations.filter(
            status=Donation.Status.SUCCEEDED, amount__gt=F("amount_refunded")
        ).values_list("received_at", flat=True)
    }
    return sorted(years, reverse=True)
