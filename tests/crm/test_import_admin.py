"""The donor import in the Wagtail admin: upload -> preview (nothing written) -> confirm -> result."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import ModelLogEntry

from crm.models import Donation, Donor
from crm.services.groups import ensure_staff_groups

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
    settings.CRM_IMPORT_DIR = str(tmp_path)
    return tmp_path


@pytest.fixture
def fundraiser(client):
    user = staff("fundraiser", "Fundraising")
    client.force_login(user)
    return user


def test_upload_preview_confirm(client, fundraiser):
    assert client.get(URL).status_code == 200

    preview = client.post(URL, {"file": SimpleUploadedFile("list.csv", CSV, content_type="text/csv")})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "nothing has been saved yet" in html
    assert 'data-count="created">1<' in html
    assert 'data-count="error">1<' in html
    assert "郵便番号" in html  # the error names the column...
    assert "<td>3</td>" in html  # ...and the line
    assert Donor.objects.count() == 0  # a preview writes nothing
    token = preview.context["confirm_form"].initial["token"]

    result = client.post(f"{URL}confirm/", {"token": token})
    assert result.status_code == 200
    assert "Import finished" in result.content.decode()
    taro = Donor.objects.get()
    assert (taro.email, taro.postal_code) == ("taro@example.jp", "150-0001")
    assert Donation.objects.get().amount == 1000
    entry = ModelLogEntry.objects.get(action="crm.import")
    assert entry.user_id == fundraiser.pk

    # The upload is gone after the import: confirming twice imports nothing twice.
    again = client.post(f"{URL}confirm/", {"token": token})
    assert again.status_code == 302
    assert Donation.objects.count() == 1


def test_someone_elses_token_is_refused(client, fundraiser):
    preview = client.post(URL, {"file": SimpleUploadedFile("list.csv", CSV, content_type="text/csv")})
    token = preview.context["confirm_form"].initial["token"]
    other = staff("other", "Fundraising")
    client.force_login(other)
    response = client.post(f"{URL}confirm/", {"token": token})
    assert response.status_code == 302
    assert Donor.objects.count() == 0


def test_unreadable_file_is_reported(client, fundraiser):
    response = client.post(URL, {"file": SimpleUploadedFile("x.csv", b"name,amount\nA,1\n")})
    assert "no email column" in response.content.decode()


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
    preview = client.post(URL, {"file": SimpleUploadedFile("list.csv", CSV, content_type="text/csv")})
    assert not abandoned.exists()
    assert len(list(upload_dir.glob("*.csv"))) == 1  # the new upload waits for confirmation
    client.post(f"{URL}confirm/", {"token": preview.context["confirm_form"].initial["token"]})
    assert list(upload_dir.glob("*.csv")) == []
