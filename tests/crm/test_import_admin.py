"""The donor import in the Wagtail admin: upload -> preview (nothing written) -> confirm -> result."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import ModelLogEntry

from crm.groups import ensure_staff_groups
from crm.models import Donation, Donor, DonorImportJob

pytestmark = pytest.mark.django_db

URL = "/admin/crm/import/"
CSV = (
    "氏名,メールアドレス,郵便番号,寄付金額,寄付日\n"
    '山田 太郎,taro@example.jp,1500001,"1,000円",令和5年3月15日\n'
    "佐藤 花子,hanako@example.jp,15,3000,2023/3/15\n"
).encode("cp932")


def staff(name: str, group: str) -> User:
    groups = ensure_staff_groups()
    user = User.objects.create_user(username=name, password="x")
    user.groups.add(Group.objects.get(name=groups[group].name))
    return user


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    (tmp_path / "imports").mkdir()
    return tmp_path / "imports"


@pytest.fixture
def fundraiser(client):
    user = staff("fundraiser", "Fundraising")
    client.force_login(user)
    return user


@pytest.fixture(autouse=True)
def run_on_commit(client, django_capture_on_commit_callbacks, monkeypatch):
    """Jobs are queued on commit; the test transaction never commits, so each POST runs its callbacks
    (and so the queued task, with the immediate backend) as if its request had committed."""
    post = client.post

    def post_and_commit(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    monkeypatch.setattr(client, "post", post_and_commit)


def _upload(client, content=CSV, name="list.csv"):
    """Upload a file; with the immediate task backend the check has run when the redirect arrives."""
    response = client.post(URL, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})
    assert response.status_code == 302
    job = DonorImportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    return job, client.get(response["Location"])


def test_upload_preview_confirm(client, fundraiser):
    assert client.get(URL).status_code == 200

    job, preview = _upload(client)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert job.stage == DonorImportJob.Stage.CHECKED
    assert (job.rows_expected, job.rows_done) == (2, 2)
    assert 'data-count="created">1<' in html
    assert 'data-count="error">1<' in html
    assert "郵便番号" in html  # the error names the column...
    assert "<td>3</td>" in html  # ...and the line
    assert 'http-equiv="refresh"' not in html  # nothing running: the page stops refreshing
    assert Donor.objects.count() == 0  # a preview writes nothing

    result = client.post(f"{URL}{job.pk}/confirm/")
    assert result.status_code == 302
    done = client.get(result["Location"])
    assert 'data-stage="done"' in done.content.decode()
    taro = Donor.objects.get()
    assert (taro.email, taro.postal_code) == ("taro@example.jp", "150-0001")
    assert Donation.objects.get().amount == 1000
    entry = ModelLogEntry.objects.get(action="crm.import")
    assert entry.user_id == fundraiser.pk

    # The upload is gone after the import: confirming twice imports nothing twice.
    again = client.post(f"{URL}{job.pk}/confirm/")
    assert again.status_code == 302
    assert Donation.objects.count() == 1
    assert DonorImportJob.objects.get(pk=job.pk).stage == DonorImportJob.Stage.DONE


def test_running_job_page_refreshes_itself_and_shows_progress(client, fundraiser):
    job = DonorImportJob.objects.create(
        filename="big.csv", uploaded_by=fundraiser, rows_expected=100_000, rows_done=25_000
    )
    html = client.get(f"{URL}{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in html
    assert '<progress max="100000" value="25000">' in html
    assert "big.csv" in client.get(URL).content.decode()  # listed among recent imports


def test_someone_elses_job_is_hidden_and_cannot_be_confirmed(client, fundraiser):
    job, _preview = _upload(client)
    other = staff("other", "Fundraising")
    client.force_login(other)
    assert client.get(f"{URL}{job.pk}/").status_code == 404
    assert client.post(f"{URL}{job.pk}/confirm/").status_code == 404
    assert "list.csv" not in client.get(URL).content.decode()
    assert Donor.objects.count() == 0


def test_cancel_deletes_the_file_and_blocks_the_import(client, fundraiser, upload_dir):
    job, _preview = _upload(client)
    assert len(list(upload_dir.glob("*.csv"))) == 1
    client.post(f"{URL}{job.pk}/cancel/")
    assert list(upload_dir.glob("*.csv")) == []
    client.post(f"{URL}{job.pk}/confirm/")
    assert Donor.objects.count() == 0
    assert DonorImportJob.objects.get(pk=job.pk).stage == DonorImportJob.Stage.CANCELED


def test_unreadable_file_is_reported(client, fundraiser):
    job, page = _upload(client, b"name,amount\nA,1\n", name="x.csv")
    assert job.stage == DonorImportJob.Stage.FAILED
    assert "no email column" in page.content.decode()


def test_a_crash_in_the_worker_is_kept_on_the_job(client, fundraiser, monkeypatch):
    import crm.imports.services.jobs as import_jobs

    def explode(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(import_jobs, "import_donors", explode)
    job, page = _upload(client)
    assert job.stage == DonorImportJob.Stage.FAILED
    assert "disk full" in page.content.decode()


def test_menu_item_for_fundraisers_only(client, fundraiser):
    assert URL in client.get("/admin/").content.decode()
    client.force_login(staff("comms", "Communications"))
    assert URL not in client.get("/admin/").content.decode()


def test_communications_cannot_import(client):
    client.force_login(staff("comms", "Communications"))
    # Wagtail turns a refusal into a redirect to the dashboard with a "no permission" message.
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    response = client.post(URL, {"file": SimpleUploadedFile("list.csv", CSV, content_type="text/csv")})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert Donor.objects.count() == 0


def test_uploads_are_kept_only_until_confirmed_or_a_day_old(client, fundraiser, upload_dir):
    import os
    import time

    abandoned = upload_dir / "abandoned.csv"
    abandoned.write_bytes(CSV)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(abandoned, (two_days_ago, two_days_ago))
    job, _preview = _upload(client)
    assert not abandoned.exists()
    assert len(list(upload_dir.glob("*.csv"))) == 1  # the new upload waits for confirmation
    client.post(f"{URL}{job.pk}/confirm/")
    assert list(upload_dir.glob("*.csv")) == []


def test_row_errors_are_written_in_the_uploaders_language(client, fundraiser):
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(user=fundraiser, defaults={"preferred_language": "ja"})
    job, _page = _upload(client)
    errors = [error["message"] for row in job.preview["error_rows"] for error in row["errors"]]
    assert any("郵便番号は7桁です" in message for message in errors), errors
    job, _page = _upload(client, b"name,amount\nA,1\n", name="x.csv")
    assert "メールアドレスの列" in job.error


def test_progress_counts_a_last_row_without_its_newline(client, fundraiser):
    job, _page = _upload(client, CSV.rstrip(b"\n"))
    assert (job.rows_expected, job.rows_done) == (2, 2)


POSTAL_CSV = (
    "メールアドレス,氏名,郵便番号,都道府県,市区町村,住所\n"
    "ok@example.jp,山田 太郎,150-0001,東京都,渋谷区,神宮前1-2-3\n"
    "off@example.jp,佐藤 花子,100-0001,大阪府,大阪市北区,梅田1-1\n"
).encode()


def test_preview_flags_a_postal_code_that_does_not_fit_its_address_but_imports_it(client, fundraiser):
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(user=fundraiser, defaults={"preferred_language": "ja"})
    job, preview = _upload(client, POSTAL_CSV)
    html = preview.content.decode()
    assert 'data-count="warnings">1<' in html
    assert html.count("data-import-warning") == 1
    assert "郵便番号と都道府県が一致しません" in html  # in the uploader's language
    assert 'data-count="error">0<' in html  # a warning, not a refusal
    warned = [row for row in job.preview["rows"] if row["warnings"]]
    assert [row["email"] for row in warned] == ["off@example.jp"]

    client.post(f"{URL}{job.pk}/confirm/")
    assert set(Donor.objects.values_list("email", flat=True)) == {"ok@example.jp", "off@example.jp"}
