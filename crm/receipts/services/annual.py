"""The annual run: every donor's statement for a year, issued in chunks and sent by several workers, resumable after a crash."""

from __future__ import annotations

import uuid

from django.core.mail import mailers
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.donors.models import Donor
from crm.receipts import signals
from crm.receipts.models import (
    AnnualReceiptRun,
    Receipt,
    ReceiptDispatch,
)
from crm.receipts.services.delivery import (
    _dispatch_key,
    _dispatches_sent,
    _email_for,
    print_batch_create,
    receipt_pdf,
    receipts_waiting_for_post,
)
from crm.receipts.services.numbering import receipt_settings
from crm.receipts.services.statements import _annual_gifts, _issue_annual_statements

ANNUAL_ISSUE_CHUNK = 2000
ANNUAL_SEND_CHUNK = 200


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
    # Walk all donors in id order, a chunk of ids at a time; a chunk's gifts are then read by id
    # range (_issue_annual_statements), so a chunk costs its own donors' gifts. Finding the next
    # chunk of donors who gave, or asking for a chunk's gifts by a list of ids, read the whole
    # year's gifts again for every chunk where the statistics were thin or the join merged from the
    # start: the run grew with the square of the donors. Donors who did not give that year simply
    # get no statement.
    donor_ids = Donor.objects.order_by("pk").values_list("pk", flat=True)
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
    # The run's statements to email, listed once in id order; chunks are claimed from the list by
    # id. Asking the database for "the next unsent statements of the run" each time passed over
    # every statement sent so far, or sorted all the rest, whenever the planner's statistics were
    # behind the run (a run writes 100,000 rows): the sending grew with the square of its size.
    # When the list is done, one more look for statements still unsent finds any chunk another
    # worker claimed and then rolled back.
    unsent = Receipt.objects.filter(
        annual_run_id=run_id, delivery=Receipt.Delivery.EMAIL, status=Receipt.Status.ISSUED
    ).filter(~Exists(ReceiptDispatch.objects.filter(receipt=OuterRef("pk"), channel="email")))
    todo = list(unsent.order_by("pk").values_list("pk", flat=True))
    position, last_look = 0, False
    while limit is None or sent_total < limit:
        window = todo[position : position + ANNUAL_SEND_CHUNK]
        position += ANNUAL_SEND_CHUNK
        if not window:
            if last_look:
                break
            todo, position, last_look = list(unsent.order_by("pk").values_list("pk", flat=True)), 0, True
            continue
        claim = uuid.uuid4()
        if not _claim_emails(window, claim=claim):
            continue  # sent already, or another worker's chunk
        sent, failed = _send_claimed_emails(claim, config=config)
        AnnualReceiptRun.objects.filter(pk=run_id).update(
            emails_sent=F("emails_sent") + sent,
            emails_failed=F("emails_failed") + failed,
            updated_at=timezone.now(),
        )
        sent_total += sent
    return sent_total


def _claim_emails(window: list[int], *, claim: uuid.UUID) -> bool:
    """Claim the statements of `window` still to email and not being sent by another worker: their
    dispatch rows are recorded (and committed) before anything is sent, so the claim is ours alone.
    False when none was left to claim."""
    with transaction.atomic():
        candidates = list(
            Receipt.objects.filter(
                pk__in=window, delivery=Receipt.Delivery.EMAIL, status=Receipt.Status.ISSUED
            )
            .filter(~Exists(ReceiptDispatch.objects.filter(receipt=OuterRef("pk"), channel="email")))
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .only("pk", "reissue_count")
        )
        if not candidates:
            return False
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
    return True


def _send_claimed_emails(claim: uuid.UUID, *, config) -> tuple[int, int]:
    """Draw, build and send the emails of one claim, each failure recorded on its own dispatch.
    Returns (sent, failed)."""
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
        ReceiptDispatch.objects.filter(pk=dispatch_id).update(state=ReceiptDispatch.State.FAILED, error=error)
    return len(sent), len(failed)


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
