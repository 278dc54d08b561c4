"""Backup and restore (issue 13): back up, change the data and the files, restore, and the old data,
the old files and the same `crm_stats` come back. SQLite always; PostgreSQL when the suite runs on it
(pg_dump/pg_restore from the client tools)."""

from __future__ import annotations

import copy
import io
import shutil

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from crm.factories import DonationFactory, DonorFactory
from crm.models import Donor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def file_storages(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    changed = copy.deepcopy(settings.STORAGES)
    changed["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")},
    }
    changed["private"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private")},
    }
    settings.STORAGES = changed
    return tmp_path


def _stats() -> str:
    out = io.StringIO()
    call_command("crm_stats", stdout=out)
    return out.getvalue()


def test_backup_change_restore_brings_back_the_old_site(file_storages, tmp_path):
    if shutil.which("pg_dump") is None:
        from django.db import connection

        if connection.vendor == "postgresql":
            pytest.skip("pg_dump is not installed")
    kept = DonorFactory(family_name="残る", email="kept@example.org")
    DonationFactory(donor=kept, amount=7000)
    storages["default"].save("images/photo.txt", ContentFile(b"original photo"))
    storages["private"].save("imports/upload.csv", ContentFile(b"family,given\n"))
    before = _stats()

    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    folder = out.getvalue().strip()

    # Things go wrong after the backup: a donor is overwritten, another added, a file overwritten.
    Donor.objects.filter(pk=kept.pk).update(family_name="壊れた", email="broken@example.org")
    DonorFactory(email="new@example.org")
    storages["default"].delete("images/photo.txt")
    storages["default"].save("images/photo.txt", ContentFile(b"broken"))
    assert _stats() != before

    with pytest.raises(CommandError):
        call_command("restore", folder)  # without --yes nothing happens
    assert not Donor.objects.filter(email="kept@example.org").exists()

    call_command("restore", folder, "--yes", stdout=io.StringIO())
    assert Donor.objects.filter(email="kept@example.org", family_name="残る").exists()
    assert not Donor.objects.filter(email="new@example.org").exists()
    assert _stats() == before
    assert storages["default"].open("images/photo.txt").read() == b"original photo"
    assert storages["private"].open("imports/upload.csv").read() == b"family,given\n"
