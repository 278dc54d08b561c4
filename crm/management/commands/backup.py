"""`manage.py backup DIR`: the database and the uploaded files into a new folder under DIR."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite's backup API) and uploaded files into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("target", help="folder to write the backup folder into")

    def handle(self, *args, target: str, **options):
        try:
            folder = backup(target=Path(target))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))
