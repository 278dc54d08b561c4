"""`manage.py restore FOLDER --yes`: replace the database and put the uploaded files back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a folder written by `manage.py backup`: the database is REPLACED."

    def add_arguments(self, parser):
        parser.add_argument("source", help="a backup folder (the path `manage.py backup` printed)")
        parser.add_argument(
            "--yes", action="store_true", help="confirm that the current database is replaced"
        )

    def handle(self, *args, source: str, yes: bool, **options):
        if not yes:
            raise CommandError("Restoring replaces the whole database: run again with --yes.")
        try:
            manifest = restore(source=Path(source))
        except (BackupError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored the backup made at {manifest['made_at']}")
