"""The documented deployment: media are served with DEBUG off, and a file a task reads is on storage
the web container and the worker share, whatever each one's temporary directory."""

import re
import subprocess
import sys
import tempfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from crm.imports.services.jobs import import_job_check, import_job_start
from crm.models import DonorImportJob
from tests.test_settings import ROOT, _strong_secret

pytestmark = pytest.mark.django_db


def test_campaign_page_images_answer_200_with_debug_off(settings, site_tree):
    assert settings.DEBUG is False
    html = Client().get("/").content.decode()
    sources = sorted(set(re.findall(r'(?:src|srcset)="(/media/[^" ]+)', html)))
    assert sources, "the campaign page shows images"
    for source in sources:
        response = Client().get(source)
        assert response.status_code == 200, source
        assert response["Content-Type"].startswith("image/")
        assert response["X-Content-Type-Options"] == "nosniff"
        b"".join(response.streaming_content)


def test_documents_are_not_served_around_wagtails_privacy_checks():
    assert Client().get("/media/documents/anything.pdf").status_code == 404


def test_production_settings_serve_media_by_default():
    probe = (
        "from django.urls import resolve;"
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SERVE_MEDIA, resolve('/media/images/hero.width-800.jpg').func.__name__)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", probe],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": _strong_secret(),
            "ALLOWED_HOSTS": "example.org",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "media_serve"]


CSV = "氏名,メールアドレス\n山田 太郎,taro@example.jp\n".encode("cp932")


def test_an_import_uploaded_on_web_is_read_by_a_worker_with_another_temp_dir(settings, tmp_path, monkeypatch):
    shared = tmp_path / "shared-volume"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(shared)},
        },
    }
    web_tmp, worker_tmp = tmp_path / "web-tmp", tmp_path / "worker-tmp"
    web_tmp.mkdir()
    worker_tmp.mkdir()
    user = get_user_model().objects.create_user(username="fundraiser", password="x" * 20)

    monkeypatch.setattr(tempfile, "tempdir", str(web_tmp))
    job = import_job_start(upload=SimpleUploadedFile("list.csv", CSV, content_type="text/csv"), user=user)

    monkeypatch.setattr(tempfile, "tempdir", str(worker_tmp))
    import_job_check(job_id=str(job.pk))  # what the worker's task runs
    job.refresh_from_db()
    assert job.stage == DonorImportJob.Stage.CHECKED, job.error
    assert job.preview["total_rows"] == 1
    assert list(worker_tmp.iterdir()) == [] and list(web_tmp.iterdir()) == []
    assert (shared / "imports" / f"{job.pk}.csv").is_file()
