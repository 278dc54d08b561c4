"""Donor list imports: stream a CSV file into the CRM in batches, or preview what it would do.

Every row ends as one of: created (a new donor), updated (an existing donor got new details or a
new donation), skipped (nothing new: the donor and the donation are already recorded) or error
(nothing of the row is written; the report names the line and the column).

Speed: rows are read and written in batches. For each batch one query finds the donors already
known by email (or by a former address), one query finds the donations already imported, and
new and changed donors are written with bulk_create/bulk_update. If the batch's bulk write fails
(another process created one of the donors in between), the batch is rolled back and written
again row by row, each row in its own savepoint through `donor_upsert`, so one bad row costs
only itself.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from crm.donors.models import Donor, DonorEmailHistory, TaggedDonor
from crm.giving.models import Donation
from crm.imports.bulk import RawInsert, bulk_load_pragmas, fast_search_text, raw_update
from crm.imports.headers import map_headers
from crm.imports.reading import CsvFileError, detect_encoding, iter_csv_rows
from crm.imports.rows import DONOR_FIELDS, CellError, ImportRow, parse_row

logger = logging.getLogger(__name__)

CREATED, UPDATED, SKIPPED, ERROR = "created", "updated", "skipped", "error"
IMPORT_LOG_ACTION = "crm.import"
NEW_DONOR_COLUMNS = ["email", "source", *DONOR_FIELDS, "search_text", "created_at", "updated_at"]
DONATION_COLUMNS = [
    "donor_id",
    "amount",
    "currency",
    "received_at",
    "method",
    "status",
    "external_id",
    "created_at",
]
# Per batch: three lookups, one insert per table, one commit. 2,000 rows make that overhead small
# while a batch's plan (rows, donors, gifts, the rows as SQL parameters) stays a few MB: the
# import must fit 300 MB with the Sudachi dictionary (~80 MB of mapped pages) loaded.
BATCH_SIZE = 2000


@dataclass(slots=True)
class RowOutcome:
    line: int
    status: str
    email: str = ""
    donation: str = ""  # "recorded", "already recorded" or ""
    errors: list[CellError] = field(default_factory=list)
    changed_fields: list[str] = field(default_factory=list)
    warnings: list[CellError] = field(default_factory=list)  # imported anyway (a postal code off its address)


@dataclass
class ImportReport:
    filename: str
    dry_run: bool
    encoding: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # header -> field
    unknown_columns: list[str] = field(default_factory=list)
    file_error: str = ""
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((CREATED, UPDATED, SKIPPED, ERROR), 0)
    )
    donations_recorded: int = 0
    donations_already_recorded: int = 0
    rows_with_warnings: int = 0
    # Kept for display, capped so a 100,000-row file doesn't hold every outcome in memory.
    rows: list[RowOutcome] = field(default_factory=list)
    error_rows: list[RowOutcome] = field(default_factory=list)
    rows_truncated: bool = False
    errors_truncated: bool = False

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())

    @property
    def ok(self) -> bool:
        return not self.file_error and self.counts[ERROR] == 0

    def summary(self) -> dict:
        return {
            "filename": self.filename,
            "dry_run": self.dry_run,
            "encoding": self.encoding,
            "rows": self.total_rows,
            **self.counts,
            "donations_recorded": self.donations_recorded,
            "donations_already_recorded": self.donations_already_recorded,
            "rows_with_warnings": self.rows_with_warnings,
            "unknown_columns": self.unknown_columns,
            "file_error": self.file_error,
        }


@lru_cache(maxsize=4096)
def _received_at(date: dt.date) -> dt.datetime:
    # A gift dated in a Japanese ledger happened on that day in Japan.
    return dt.datetime.combine(date, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


@cache
def _new_donor_defaults() -> dict[str, object]:
    return {name: Donor._meta.get_field(name).get_default() for name in DONOR_FIELDS}


class _NewDonor:
    """A donor this import will create, as plain attributes.

    Building a Donor model instance costs several times more than this, and in a 100,000-row
    import it was the largest single cost of planning. Write turns the few that need one (tags)
    into real instances.
    """

    pk = None

    def __init__(self, email: str, fields: dict[str, str]):
        self.__dict__.update(_new_donor_defaults())
        self.__dict__.update(fields)
        self.email = email
        self.source = Donor.Source.IMPORT


class _Batch:
    """Plans one batch against the database: what to create, what to change, which gifts are new."""

    def __init__(self, rows: list[ImportRow], *, planned_elsewhere: _DryRunMemory | None):
        self.rows = rows
        self.memory = planned_elsewhere
        emails = {row.email for row in rows}
        self.known: dict[str, Donor] = {
            d.email: d for d in Donor.objects.filter(email__in=emails, erased_at__isnull=True)
        }
        missing = emails - self.known.keys()
        if missing:
            # A donor merged away from an address is still found by it.
            for old in DonorEmailHistory.objects.filter(
                email__in=missing, donor__erased_at__isnull=True
            ).select_related("donor"):
                self.known.setdefault(old.email, old.donor)
        external_ids = {row.donation_external_id for row in rows if row.has_donation}
        # The unique index on external_id is partial (WHERE external_id <> ''): repeating its
        # condition lets SQLite and PostgreSQL use it instead of scanning every donation.
        self.recorded_gifts = set(
            Donation.objects.filter(external_id__in=external_ids)
            .exclude(external_id="")
            .order_by()
            .values_list("external_id", flat=True)
        )
        self.existing_tags: dict[int, set[str]] = {}
        if any(row.tags for row in rows):
            pks = [d.pk for d in self.known.values()]
            for donor_id, name in TaggedDonor.objects.filter(content_object_id__in=pks).values_list(
                "content_object_id", "tag__name"
            ):
                self.existing_tags.setdefault(donor_id, set()).add(name)
        self.new_donors: list[Donor] = []
        self.changed: dict[int, tuple[Donor, set[str]]] = {}  # id(donor) -> (donor, fields)
        self.gifts: list[tuple[Donor, int, dt.datetime, str, str]] = []
        self.tags: dict[int, tuple[Donor, set[str]]] = {}

    def _tags_of(self, donor: Donor) -> set[str]:
        if donor.pk is not None:
            return self.existing_tags.get(donor.pk, set())
        return self.memory.tags(donor.email) if self.memory else set()

    def plan(self) -> Iterator[RowOutcome]:
        for row in self.rows:
            yield self._plan_row(row)

    def _plan_row(self, row: ImportRow) -> RowOutcome:
        outcome = RowOutcome(line=row.line, status=SKIPPED, email=row.email, warnings=row.warnings)
        donor = self.known.get(row.email)
        if donor is None and self.memory is not None:
            donor = self.memory.donor(row.email)
        if donor is None:
            donor = _NewDonor(row.email, row.donor_fields)
            self.known[row.email] = donor
            self.new_donors.append(donor)
            outcome.status = CREATED
            outcome.changed_fields = sorted(row.donor_fields)
        else:
            self.known[row.email] = donor
            if self.memory is not None and donor.pk is not None:
                # Changes an earlier batch of this dry run would have made.
                for name, value in self.memory.updates(donor.pk).items():
                    setattr(donor, name, value)
            changed = _apply(donor, row.donor_fields)
            if changed:
                outcome.changed_fields = sorted(changed)
                # A donor this import creates needs no update: its creation carries the change.
                if donor.pk is not None:
                    self.changed.setdefault(id(donor), (donor, set()))[1].update(changed)
                outcome.status = UPDATED
        if row.tags:
            planned = self.tags.setdefault(id(donor), (donor, set()))[1]
            new_tags = set(row.tags) - self._tags_of(donor) - planned
            if new_tags:
                planned.update(new_tags)
                if outcome.status == SKIPPED:
                    outcome.status = UPDATED
        if row.has_donation:
            external_id = row.donation_external_id
            seen = external_id in self.recorded_gifts or (self.memory and self.memory.has_gift(external_id))
            if seen:
                outcome.donation = "already recorded"
            else:
                self.recorded_gifts.add(external_id)
                self.gifts.append((donor, row.amount, _received_at(row.received_on), row.method, external_id))
                outcome.donation = "recorded"
                if outcome.status == SKIPPED:
                    outcome.status = UPDATED
        return outcome

    def write(self) -> None:
        now = timezone.now()
        if self.new_donors:
            for donor in self.new_donors:
                donor.search_text = fast_search_text(donor)
                donor.created_at = donor.updated_at = now
            RawInsert(Donor, NEW_DONOR_COLUMNS)(
                [tuple(getattr(d, name) for name in NEW_DONOR_COLUMNS) for d in self.new_donors]
            )
            ids = dict(
                Donor.objects.filter(email__in=[d.email for d in self.new_donors]).values_list("email", "pk")
            )
            for donor in self.new_donors:
                donor.pk = ids[donor.email]
        by_fields: dict[tuple[str, ...], list[tuple]] = {}
        for donor, fields in self.changed.values():
            donor.search_text = fast_search_text(donor)
            columns = (*sorted(fields), "search_text", "updated_at")
            donor.updated_at = now
            by_fields.setdefault(columns, []).append((*(getattr(donor, c) for c in columns), donor.pk))
        for columns, rows in by_fields.items():
            raw_update(Donor, list(columns), rows)
        RawInsert(Donation, DONATION_COLUMNS)(
            [
                (donor.pk, amount, "JPY", received_at, method, Donation.Status.SUCCEEDED, external_id, now)
                for donor, amount, received_at, method, external_id in self.gifts
            ]
        )
        tagged_new = Donor.objects.in_bulk(
            [donor.pk for donor, tags in self.tags.values() if tags and isinstance(donor, _NewDonor)]
        )
        for donor, tags in self.tags.values():
            if tags:
                tagged_new.get(donor.pk, donor).tags.add(*tags)


def _apply(donor: Donor, fields: dict[str, str]) -> set[str]:
    """Copy the row's values onto the donor; blank cells never clear, notes are appended."""
    changed = set()
    for name, value in fields.items():
        current = getattr(donor, name)
        if name == "notes":
            if value in current:
                continue
            value = f"{current}\n{value}" if current else value
        if current != value:
            setattr(donor, name, value)
            changed.add(name)
    return changed


class _DryRunMemory:
    """What earlier batches of a dry run would have written, so later rows are previewed right.

    Holds plain values, not model instances: 100,000 unsaved donors would not fit the memory budget.
    """

    def __init__(self) -> None:
        self._donors: dict[str, dict[str, str]] = {}
        self._tags: dict[str, set[str]] = {}
        self._gifts: set[str] = set()
        self._updates: dict[int, dict[str, str]] = {}

    def remember(self, batch: _Batch) -> None:
        for donor in batch.known.values():
            if donor.pk is None:  # created by this dry run, in this batch or an earlier one
                self._donors[donor.email] = {name: getattr(donor, name) for name in DONOR_FIELDS}
        for donor, fields in batch.changed.values():
            self._updates.setdefault(donor.pk, {}).update({name: getattr(donor, name) for name in fields})
        for donor, tags in batch.tags.values():
            self._tags.setdefault(donor.email, set()).update(tags)
        self._gifts.update(gift[-1] for gift in batch.gifts)

    def donor(self, email: str) -> _NewDonor | None:
        fields = self._donors.get(email)
        if fields is None:
            return None
        return _NewDonor(email, fields)

    def updates(self, pk: int) -> dict[str, str]:
        return self._updates.get(pk, {})

    def tags(self, email: str) -> set[str]:
        return self._tags.get(email, set())

    def has_gift(self, external_id: str) -> bool:
        return external_id in self._gifts


def _write_rows_one_by_one(rows: list[ImportRow]) -> Iterator[RowOutcome]:
    """The slow, careful path: each row in its own savepoint, matched through donor_upsert."""
    from crm.donors.services.donors import donor_upsert

    for row in rows:
        outcome = RowOutcome(line=row.line, status=SKIPPED, email=row.email, warnings=row.warnings)
        try:
            with transaction.atomic():
                existing = Donor.objects.filter(email=row.email).first()
                before = {name: getattr(existing, name) for name in row.donor_fields} if existing else {}
                fields = dict(row.donor_fields)
                if existing and "notes" in fields and fields["notes"] not in existing.notes:
                    fields["notes"] = (
                        f"{existing.notes}\n{fields['notes']}" if existing.notes else fields["notes"]
                    )
                elif existing and "notes" in fields:
                    fields.pop("notes")
                if not existing:
                    fields["source"] = Donor.Source.IMPORT
                donor, created = donor_upsert(email=row.email, **fields)
                if created:
                    outcome.status = CREATED
                else:
                    outcome.changed_fields = sorted(k for k, v in before.items() if getattr(donor, k) != v)
                    if outcome.changed_fields:
                        outcome.status = UPDATED
                if row.tags:
                    donor.tags.add(*row.tags)
                if row.has_donation:
                    _gift, new = Donation.objects.get_or_create(
                        external_id=row.donation_external_id,
                        defaults={
                            "donor": donor,
                            "amount": row.amount,
                            "currency": "JPY",
                            "received_at": _received_at(row.received_on),
                            "method": row.method,
                            "status": Donation.Status.SUCCEEDED,
                        },
                    )
                    outcome.donation = "recorded" if new else "already recorded"
                    if new and outcome.status == SKIPPED:
                        outcome.status = UPDATED
        except (DatabaseError, ValueError) as exc:
            outcome = RowOutcome(
                line=row.line,
                status=ERROR,
                email=row.email,
                errors=[CellError("", _("not saved: %(error)s") % {"error": exc})],
            )
        yield outcome


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_donors(
    *,
    stream: BinaryIO,
    filename: str,
    dry_run: bool = False,
    user=None,
    batch_size: int = BATCH_SIZE,
    keep_rows: int = 500,
    keep_errors: int = 1000,
    on_row: Callable[[RowOutcome], None] | None = None,
) -> ImportReport:
    """Import (or, with dry_run, preview) a donor CSV file. Returns what happened to each row.

    `stream` is a binary file object; its encoding (UTF-8 with or without BOM, or CP932) is
    detected. `on_row` sees every row's outcome as it is decided (the command prints errors with it).
    A real import leaves one "crm.import" entry in Wagtail's audit log.
    """
    report = ImportReport(filename=filename, dry_run=dry_run)

    def record(outcome: RowOutcome) -> None:
        report.counts[outcome.status] += 1
        if outcome.donation == "recorded":
            report.donations_recorded += 1
        elif outcome.donation == "already recorded":
            report.donations_already_recorded += 1
        report.rows_with_warnings += bool(outcome.warnings)
        if len(report.rows) < keep_rows:
            report.rows.append(outcome)
        else:
            report.rows_truncated = True
        if outcome.status == ERROR:
            if len(report.error_rows) < keep_errors:
                report.error_rows.append(outcome)
            else:
                report.errors_truncated = True
        if on_row:
            on_row(outcome)

    try:
        report.encoding = detect_encoding(stream)
        lines = iter_csv_rows(stream, encoding=report.encoding)
        header = next(lines, None)
        if header is None:
            report.file_error = _("the file is empty")
            return report
        headers = header[1]
        mapping, report.unknown_columns = map_headers(headers)
        report.columns = {headers[i]: name for i, name in mapping.items()}
        if "email" not in mapping.values():
            report.file_error = _("no email column (メールアドレス / email): donors are matched by email")
            return report

        memory = _DryRunMemory() if dry_run else None
        today = dt.date.today()
        parsed = ((line, *parse_row(line, cells, mapping, headers, today=today)) for line, cells in lines)
        with nullcontext() if dry_run else bulk_load_pragmas(cache_mb=8):
            for chunk in _batches(parsed, batch_size):
                for outcome in _process_chunk(chunk, memory=memory, dry_run=dry_run):
                    record(outcome)
    except CsvFileError as exc:
        report.file_error = str(exc)

    if not dry_run and report.total_rows:
        _log_import(report, user=user)
    return report


def _process_chunk(
    chunk: list[tuple[int, ImportRow | None, list[CellError]]], *, memory: _DryRunMemory | None, dry_run: bool
) -> list[RowOutcome]:
    """Outcomes of one batch, in file order; writes the batch unless this is a dry run."""
    good = [row for _line, row, _errors in chunk if row is not None]
    by_line: dict[int, RowOutcome] = {}
    for line, _row, errors in chunk:
        if errors:
            by_line[line] = RowOutcome(line=line, status=ERROR, errors=errors)
    if good:
        if dry_run:
            batch = _Batch(good, planned_elsewhere=memory)
            by_line.update((o.line, o) for o in batch.plan())
            memory.remember(batch)
        else:
            by_line.update((o.line, o) for o in _write_batch(good))
    # Blank rows have no outcome: they are not counted.
    return [by_line[line] for line, _row, _errors in chunk if line in by_line]


def _write_batch(rows: list[ImportRow]) -> list[RowOutcome]:
    try:
        with transaction.atomic():
            batch = _Batch(rows, planned_elsewhere=None)
            outcomes = list(batch.plan())
            batch.write()
        return outcomes
    except IntegrityError:
        logger.warning("donor import: bulk write of a batch failed; writing its rows one by one")
        return list(_write_rows_one_by_one(rows))


def _log_import(report: ImportReport, *, user) -> None:
    """One audit log entry per import, listed under donors in Wagtail's site history.

    An import is not one donor, so the entry points at donor 0 (no such donor) and carries the
    file name and counts in its title and data.
    """
    counts = report.counts
    title = (
        f"Donor import {report.filename}: {counts[CREATED]} created, {counts[UPDATED]} updated, "
        f"{counts[SKIPPED]} skipped, {counts[ERROR]} errors"
    )
    log(instance=Donor(pk=0), action=IMPORT_LOG_ACTION, user=user, title=title[:255], data=report.summary())
