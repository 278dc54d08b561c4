"""A bank statement, from upload to gifts: read -> match in the background -> review -> post.

Idempotency: every credit gets a fingerprint (account, date, amount, remitter reading, the bank's
reference, and which occurrence of an identical line it is), and the gift it becomes carries
``bank:<fingerprint>`` as its external id, which the database keeps unique. So the same file uploaded
again, or two statements that overlap, show the lines already recorded and post nothing twice, even
when two fundraisers post at the same moment.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from crm.banktransfers import banks, signals
from crm.banktransfers.matching import match_remitter, split_remitter
from crm.banktransfers.models import BankStatement, StatementLine
from crm.banktransfers.parsing import Statement, StatementError, read_statement
from crm.banktransfers.selectors import donors_who_gave, reading_index, statement_recorded_lines
from crm.banktransfers.services.batches import received_at_for
from crm.donors.models import Donor
from crm.donors.services import donor_create
from crm.giving.models import Donation
from crm.receipts.services import gifts_acknowledge

MAX_STATEMENT_BYTES = 5 * 1024 * 1024
PROGRESS_EVERY = 50
Stage = BankStatement.Stage
Status = StatementLine.Status
#: What a fundraiser may decide for a line on the review screen, besides a donor's number.
SKIP, NEW_DONOR = "skip", "new"


def _bank_name(code: str) -> str:
    name = banks.bank_name(code)
    return f"{name} ({code})" if name else code


def _fingerprints(statement: Statement) -> list[str]:
    seen: Counter[tuple] = Counter()
    prints = []
    for credit in statement.credits:
        _code, reading = split_remitter(credit.remitter)
        key = (statement.account, credit.booked_on.isoformat(), credit.amount, reading, credit.reference)
        seen[key] += 1
        text = "|".join(str(part) for part in (*key, seen[key]))
        prints.append(hashlib.sha256(text.encode()).hexdigest())
    return prints


@transaction.atomic
def statement_upload(*, upload: UploadedFile, user=None) -> BankStatement:
    """Read the file (StatementError names the line and the problem), keep its credits, queue matching."""
    if upload.size > MAX_STATEMENT_BYTES:
        raise StatementError(_("The file is larger than 5 MB: is it a bank statement?"))
    data = upload.read()
    parsed = read_statement(data)
    if not parsed.credits:
        raise StatementError(_("The statement has no credits (入金) to record."))
    statement = BankStatement.objects.create(
        filename=upload.name[:255],
        file_format=parsed.format,
        file_sha256=hashlib.sha256(data).hexdigest(),
        account=parsed.account,
        bank_name=_bank_name(parsed.bank_code),
        period_from=parsed.period_from,
        period_to=parsed.period_to,
        lines_total=len(parsed.credits),
        skipped_debits=parsed.skipped_debits,
        uploaded_by=user,
    )
    prints = _fingerprints(parsed)
    recorded = set(
        Donation.objects.filter(external_id__in=[f"bank:{p}" for p in prints]).values_list(
            "external_id", flat=True
        )
    )
    StatementLine.objects.bulk_create(
        StatementLine(
            statement=statement,
            line_number=credit.line,
            fingerprint=fingerprint,
            booked_on=credit.booked_on,
            amount=credit.amount,
            remitter=credit.remitter[:100],
            reference=credit.reference[:40],
            memo=credit.memo[:255],
            status=Status.ALREADY if f"bank:{fingerprint}" in recorded else Status.UNMATCHED,
        )
        for credit, fingerprint in zip(parsed.credits, prints, strict=True)
    )
    transaction.on_commit(
        lambda: signals.statement_uploaded.send(sender=BankStatement, statement_id=str(statement.pk))
    )
    return statement


def statement_match(*, statement_id: str) -> str:
    """Match every line not yet recorded to a donor, writing progress as it goes."""
    statement = BankStatement.objects.filter(pk=statement_id, stage=Stage.MATCHING).first()
    if statement is None:
        return "nothing to do"  # matched already, by an earlier delivery of the task
    index = reading_index()
    done = 0
    for line in statement.lines.order_by("line_number"):
        if line.status == Status.UNMATCHED:
            _, reading = split_remitter(line.remitter)
            rough = [*index.full.get(reading, []), *index.company.get(reading, [])]
            same = donors_who_gave(amount=line.amount, donor_ids=rough)
            match = match_remitter(line.remitter, index=index, same_amount=same)
            line.status, line.donor_id = match.status, match.donor_id
            line.candidates, line.reason = match.candidates, match.reason
            line.save(update_fields=["status", "donor", "candidates", "reason"])
        done += 1
        if done % PROGRESS_EVERY == 0:
            BankStatement.objects.filter(pk=statement.pk).update(lines_done=done)
    BankStatement.objects.filter(pk=statement.pk).update(lines_done=done, stage=Stage.REVIEW)
    return "matched"


@transaction.atomic
def statement_decide(*, statement: BankStatement, decisions: Mapping[int, str]) -> int:
    """Keep the fundraiser's choices: line id -> a donor's number, "skip", or "new" (a donor made from the
    remitter's reading). Unknown donors were refused by the form. Returns the lines changed."""
    changed = 0
    lines = statement.lines.exclude(status__in=[Status.ALREADY, Status.POSTED]).select_for_update()
    for line in lines.filter(pk__in=list(decisions)):
        choice = decisions[line.pk]
        if choice == SKIP:
            line.status, line.donor_id = Status.SKIPPED, None
        elif choice == NEW_DONOR:
            line.donor_id, line.status = _donor_from_remitter(line).pk, Status.MATCHED
        elif choice.isdigit():
            line.donor_id, line.status = int(choice), Status.MATCHED
        else:
            continue
        line.save(update_fields=["status", "donor"])
        changed += 1
    return changed


def _donor_from_remitter(line: StatementLine) -> Donor:
    # Banks write family name, a space, given name: the new donor gets the reading only, to be completed.
    parts = line.remitter.split(" ", 1) if " " in line.remitter else [line.remitter, ""]
    family, given = (part.strip() for part in parts)
    return donor_create(
        family_name_kana=family[:100],
        given_name_kana=given[:100],
        notes=f"{line.booked_on} 振込 {line.remitter}",
        source=Donor.Source.BANK_TRANSFER,
    )


def statement_post(*, statement: BankStatement, user=None) -> dict[str, int]:
    """Record a gift for every matched line, all in one transaction, then issue the receipts.

    Lines still probable or unmatched wait (the statement stays open for them); a line whose gift
    exists already (another statement, a second click) is marked so and records nothing.
    """
    counts = {"posted": 0, "already": 0}
    with transaction.atomic():
        statement = BankStatement.objects.select_for_update().get(pk=statement.pk)
        if statement.stage != Stage.REVIEW:
            return counts
        donation_ids = []
        for line in statement.lines.filter(status=Status.MATCHED, donor__isnull=False).select_for_update():
            if Donation.objects.filter(external_id=line.external_id).exists():
                line.status = Status.ALREADY
                counts["already"] += 1
            else:
                try:
                    with transaction.atomic():
                        line.donation = Donation.objects.create(
                            donor_id=line.donor_id,
                            amount=line.amount,
                            currency="JPY",
                            received_at=received_at_for(line.booked_on),
                            method=Donation.Method.BANK_TRANSFER,
                            external_id=line.external_id,
                        )
                except IntegrityError:  # posted by someone else a moment ago
                    line.status = Status.ALREADY
                    counts["already"] += 1
                    line.save(update_fields=["status"])
                    continue
                line.status = Status.POSTED
                donation_ids.append(line.donation.pk)
                counts["posted"] += 1
            line.save(update_fields=["status", "donation"])
        if not statement.lines.filter(status__in=[Status.PROBABLE, Status.UNMATCHED]).exists():
            statement.stage, statement.posted_at = Stage.POSTED, timezone.now()
            statement.save(update_fields=["stage", "posted_at"])
        gifts_acknowledge(donation_ids=donation_ids)
    return counts


class StatementDiscardError(ValueError):
    """The statement cannot be discarded (it is still being matched, or it is finished)."""


@transaction.atomic
def statement_discard(*, statement: BankStatement, user=None) -> dict[str, int]:
    """Throw away a statement under review, losing nothing already recorded from it.

    Nothing recorded: the statement and its lines go, and the file can be imported again later. Some
    lines recorded (posted while others waited): those lines and their gifts stay, with the statement
    closed as posted; only the unrecorded lines go. Returns {"discarded": lines removed, "kept": lines
    kept, "deleted": 1 if the statement itself went}. Donors made from a remitter's reading stay.
    """
    locked = BankStatement.objects.select_for_update().filter(pk=statement.pk).first()
    if locked is None or locked.stage != Stage.REVIEW:
        raise StatementDiscardError(_("Only a statement waiting for review can be discarded."))
    kept = statement_recorded_lines(locked).count()
    discarded, _counts = locked.lines.filter(donation__isnull=True).delete()
    # In the audit log with exports, erasures and merges (a destructive action: who and when), written
    # before the statement itself may go.
    log(
        instance=locked,
        action="crm.statement_discard",
        user=user,
        data={"file": locked.filename, "discarded": discarded, "kept": kept},
    )
    if kept:
        locked.stage, locked.posted_at = Stage.POSTED, timezone.now()
        locked.save(update_fields=["stage", "posted_at"])
    else:
        locked.delete()
    return {"discarded": discarded, "kept": kept, "deleted": int(not kept)}
