"""Importing donor CSV files into the CRM: encodings, headers, donations, errors, re-imports."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from crm.factories import DonorFactory
from crm.imports.services.donors import import_donors
from crm.models import Donation, Donor

FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = pytest.mark.django_db

JA_CSV = (
    "氏名,フリガナ,メールアドレス,電話番号,郵便番号,住所,寄付金額,寄付日,言語,備考\n"
    "山田　太郎,ヤマダ　タロウ,Taro.Yamada@Example.jp,０９０－１２３４－５６７８,〒１５０－０００１,"
    '東京都渋谷区神宮前1-2-3,"￥10,000",2023/03/15,日本語,イベントで出会った\n'
    'ｻﾄｳ ﾊﾅｺ,さとう はなこ,hanako@example.jp,03-1234-5678,5300001,大阪府大阪市北区梅田1-1,"5,000円",令和5年4月1日,,\n'
)


def run(data: bytes, **kwargs):
    return import_donors(stream=io.BytesIO(data), filename="donors.csv", **kwargs)


def assert_taro_imported():
    taro = Donor.objects.get(email="taro.yamada@example.jp")
    assert (taro.family_name, taro.given_name) == ("山田", "太郎")
    assert (taro.family_name_kana, taro.given_name_kana) == ("ヤマダ", "タロウ")
    assert taro.phone == "09012345678"
    assert taro.postal_code == "150-0001"
    assert (taro.prefecture, taro.address_line) == ("東京都", "渋谷区神宮前1-2-3")
    assert taro.source == Donor.Source.IMPORT
    assert taro.notes == "イベントで出会った"
    gift = taro.donations.get()
    assert (gift.amount, gift.currency, gift.method) == (10000, "JPY", Donation.Method.BANK_TRANSFER)
    assert timezone.localtime(gift.received_at).date().isoformat() == "2023-03-15"
    # Search works for imported donors: the haystack was built although bulk_create skips save().
    assert Donor.objects.search("やまだ").filter(pk=taro.pk).exists()
    assert taro.search_text == taro.build_search_text()


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.encode("cp932"),
    ],
    ids=["utf-8", "utf-8-bom", "cp932"],
)
def test_japanese_headers_in_every_encoding(encode):
    report = run(encode(JA_CSV))
    assert report.ok, report.error_rows
    assert report.counts["created"] == 2
    assert report.donations_recorded == 2
    assert_taro_imported()
    hanako = Donor.objects.get(email="hanako@example.jp")
    assert (hanako.family_name, hanako.family_name_kana, hanako.given_name_kana) == (
        "サトウ",
        "サトウ",
        "ハナコ",
    )
    assert hanako.donations.get().amount == 5000


def test_cp932_fixture_written_like_excel(tmp_path):
    # The fixture is UTF-8 in the repository; Excel on Windows would save it as Shift_JIS.
    path = tmp_path / "excel.csv"
    path.write_bytes((FIXTURES / "donors_ja_bom.csv").read_text(encoding="utf-8-sig").encode("cp932"))
    with path.open("rb") as stream:
        report = import_donors(stream=stream, filename=path.name)
    assert report.encoding == "cp932"
    assert report.counts == {"created": 3, "updated": 0, "skipped": 0, "error": 0}
    assert_taro_imported()
    maria = Donor.objects.get(email="maria@example.org")
    assert (maria.family_name, maria.given_name, maria.preferred_language) == ("Garcia", "Maria", "en")
    assert maria.donations.get().amount == 1000


def test_english_headers_and_methods():
    with (FIXTURES / "donors_en.csv").open("rb") as stream:
        report = import_donors(stream=stream, filename="donors_en.csv")
    assert report.ok, report.error_rows
    ichiro = Donor.objects.get(email="ichiro@example.jp")
    assert (ichiro.prefecture, ichiro.city, ichiro.address_line) == ("東京都", "千代田区", "千代田1-1")
    assert ichiro.donations.get().method == Donation.Method.BANK_TRANSFER
    john = Donor.objects.get(email="john@example.com")
    assert john.preferred_language == "en"
    gift = john.donations.get()
    assert (gift.method, timezone.localtime(gift.received_at).date().isoformat()) == ("card", "2019-04-30")


def test_reimport_creates_no_duplicates():
    run(JA_CSV.encode())
    again = run(JA_CSV.encode())
    assert again.counts == {"created": 0, "updated": 0, "skipped": 2, "error": 0}
    assert again.donations_already_recorded == 2
    assert Donor.objects.count() == 2
    assert Donation.objects.count() == 2


def test_existing_donor_matched_by_email_and_blank_cells_keep_data():
    donor = DonorFactory(
        email="taro.yamada@example.jp", family_name="山田", city="渋谷区", phone="0311112222"
    )
    report = run("メール,電話番号,市区町村\nTARO.YAMADA@example.jp,090-1234-5678,\n".encode())
    assert report.counts["updated"] == 1
    donor.refresh_from_db()
    assert donor.phone == "09012345678"
    assert donor.city == "渋谷区"  # the empty cell did not clear it
    assert donor.source == Donor.Source.MANUAL  # an import does not rewrite where a donor came from
    assert Donor.objects.count() == 1


def test_same_donor_twice_in_one_file():
    data = "メール,姓,金額,日付\na@example.jp,山田,1000,2023/1/1\nA@example.jp,山本,2000,2023/2/1\n"
    report = run(data.encode())
    assert [r.status for r in report.rows] == ["created", "updated"]
    donor = Donor.objects.get()
    assert donor.family_name == "山本"
    assert sorted(donor.donations.values_list("amount", flat=True)) == [1000, 2000]


def test_errors_report_line_and_column_and_write_nothing_for_that_row():
    data = (
        "メール,郵便番号,金額,日付\n"
        "good@example.jp,150-0001,1000,2023/1/1\n"
        "bad@example.jp,12,1000,2023/1/1\n"  # a bad postal code: the whole row, gift included, is dropped
        "no-email,,,\n"
    )
    report = run(data.encode())
    assert report.counts == {"created": 1, "updated": 0, "skipped": 0, "error": 2}
    errors = {(o.line, e.column) for o in report.error_rows for e in o.errors}
    assert errors == {(3, "郵便番号"), (4, "メール")}
    assert list(Donor.objects.values_list("email", flat=True)) == ["good@example.jp"]
    assert Donation.objects.count() == 1


def test_dry_run_writes_nothing_but_reports_what_would_happen():
    DonorFactory(email="hanako@example.jp")
    data = JA_CSV + "山田 太郎,,taro.yamada@example.jp,,,,3000,2023/5/1,,\n"
    report = run(data.encode(), dry_run=True, batch_size=1)
    # Row 4 names the donor row 2 creates; in a dry run it still previews as an update.
    assert [r.status for r in report.rows] == ["created", "updated", "updated"]
    assert report.donations_recorded == 3
    assert Donor.objects.count() == 1
    assert Donation.objects.count() == 0
    assert not ModelLogEntry.objects.filter(action="crm.import").exists()


def test_dry_run_remembers_updates_of_earlier_batches():
    DonorFactory(email="a@example.jp", phone="0311112222")
    data = "メール,電話番号\na@example.jp,090-1234-5678\na@example.jp,090-1234-5678\n"
    report = run(data.encode(), dry_run=True, batch_size=1)
    assert [r.status for r in report.rows] == ["updated", "skipped"]
    assert Donor.objects.get().phone == "0311112222"


def test_falls_back_to_row_by_row_when_the_bulk_write_fails(monkeypatch):
    # Another process creates the donor after the batch looked it up: the batch's lookup misses
    # it, the bulk insert hits the unique email, and the rows are written one by one instead.
    from crm.imports.services import donors as imports

    DonorFactory(email="race@example.jp", family_name="先")
    real_init = imports._Batch.__init__

    def init_missing_the_race(batch, rows, **kwargs):
        real_init(batch, rows, **kwargs)
        batch.known.pop("race@example.jp", None)

    monkeypatch.setattr(imports._Batch, "__init__", init_missing_the_race)
    data = "メール,姓,金額,日付\nrace@example.jp,後,1000,2023/1/1\nother@example.jp,他,500,2023/1/2\n"
    report = run(data.encode())
    assert report.counts == {"created": 1, "updated": 1, "skipped": 0, "error": 0}
    assert Donor.objects.get(email="race@example.jp").family_name == "後"
    assert Donation.objects.count() == 2
    assert Donor.objects.count() == 2


def test_import_is_logged_once():
    run(JA_CSV.encode())
    entry = ModelLogEntry.objects.get(action="crm.import")
    assert entry.data["created"] == 2
    assert "donors.csv" in entry.label


def test_batches_smaller_than_the_file_give_the_same_result():
    rows = "".join(f"d{i}@example.jp,{i % 3 + 1}000,2023/1/{i % 28 + 1}\n" for i in range(25))
    report = run(("email,amount,date\n" + rows).encode(), batch_size=4)
    assert report.counts["created"] == 25
    assert Donation.objects.count() == 25


def test_tags_are_added():
    run("メール,タグ\na@example.jp,イベント、講演会\n".encode())
    again = run("メール,タグ\na@example.jp,講演会\n".encode())
    assert again.counts["skipped"] == 1
    assert sorted(Donor.objects.get().tags.names()) == ["イベント", "講演会"]


def test_file_without_email_column_is_refused():
    report = run("氏名,金額\n山田 太郎,1000\n".encode())
    assert "email" in report.file_error
    assert Donor.objects.count() == 0


def test_command_prints_errors_and_dry_run(tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_bytes("メール,郵便番号\nok@example.jp,1500001\nbad@example.jp,99\n".encode("cp932"))
    call_command("import_donors", str(path), "--dry-run")
    out, err = capsys.readouterr()
    assert "line 3 [郵便番号]" in err
    assert "1 created" in out and "1 errors" in out
    assert Donor.objects.count() == 0
    call_command("import_donors", str(path))
    assert Donor.objects.get().postal_code == "150-0001"
    with pytest.raises(CommandError):
        call_command("import_donors", str(tmp_path / "missing.csv"))


def test_postal_codes_off_their_address_are_flagged_not_refused():
    data = (
        "メールアドレス,郵便番号,都道府県,市区町村\n"
        "a@example.jp,150-0001,東京都,渋谷区\n"  # right
        "b@example.jp,100-0001,東京都,渋谷区\n"  # Chiyoda's code, Shibuya's address
        "c@example.jp,999-9999,東京都,\n"  # no such code
        "d@example.jp,530-0001,,\n"  # nothing to compare it with
    ).encode()
    report = run(data)
    flagged = {row.email: [w.column for w in row.warnings] for row in report.rows if row.warnings}
    assert flagged == {"b@example.jp": ["郵便番号"], "c@example.jp": ["郵便番号"]}
    assert report.rows_with_warnings == 2
    assert report.summary()["rows_with_warnings"] == 2
    assert report.counts["error"] == 0
    assert Donor.objects.count() == 4
