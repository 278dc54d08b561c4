"""Import a donor list: `manage.py import_donors donors.csv [--dry-run]`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crm.imports.services.donors import BATCH_SIZE, ERROR, import_donors


class Command(BaseCommand):
    help = (
        "Import donors (and their donations, when the file has amount and date columns) from a CSV "
        "file in UTF-8 or Shift_JIS, with Japanese or English headers. Prints every row that could not "
        "be imported with its line and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as one JSON object.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, file: Path, dry_run: bool, json: bool, batch_size: int, **options):
        if not file.is_file():
            raise CommandError(f"no such file: {file}")

        def print_error(outcome):
            if outcome.status == ERROR and not json:
                for error in outcome.errors:
                    column = f" [{error.column}]" if error.column else ""
                    self.stderr.write(f"line {outcome.line}{column}: {error.message}")

        with file.open("rb") as stream:
            report = import_donors(
                stream=stream,
                filename=file.name,
                dry_run=dry_run,
                batch_size=batch_size,
                keep_rows=0,
                keep_errors=0,
                on_row=print_error,
            )
        if json:
            self.stdout.write(_json(report.summary()))
        else:
            if report.unknown_columns:
                self.stdout.write(f"ignored columns: {', '.join(report.unknown_columns)}")
            c = report.counts
            prefix = "dry run, nothing written: " if dry_run else ""
            self.stdout.write(
                f"{prefix}{report.total_rows} rows ({report.encoding}): {c['created']} created, "
                f"{c['updated']} updated, {c['skipped']} skipped, {c['error']} errors; "
                f"{report.donations_recorded} donations recorded, "
                f"{report.donations_already_recorded} already recorded"
            )
        if report.file_error:
            raise CommandError(report.file_error)


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)
