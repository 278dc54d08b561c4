"""Value normalisers and header mapping of the donor import (no database)."""

import datetime as dt
import io

import pytest

from crm.donors.normalise import (
    normalise_amount,
    normalise_date,
    normalise_email,
    normalise_kana,
    normalise_phone,
    normalise_postal_code,
    normalise_prefecture,
    split_address,
    split_full_name,
)
from crm.imports.headers import map_headers
from crm.imports.reading import detect_encoding, iter_csv_rows
from crm.imports.rows import parse_row


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023/03/15", dt.date(2023, 3, 15)),
        ("2023-03-15", dt.date(2023, 3, 15)),
        ("2023/3/5", dt.date(2023, 3, 5)),
        ("2023.3.15", dt.date(2023, 3, 15)),
        ("20230315", dt.date(2023, 3, 15)),
        ("2023年3月15日", dt.date(2023, 3, 15)),
        ("２０２３年３月１５日", dt.date(2023, 3, 15)),
        ("令和5年3月15日", dt.date(2023, 3, 15)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("昭和64年1月7日", dt.date(1989, 1, 7)),
        ("R5.3.15", dt.date(2023, 3, 15)),
        ("r5.3.15", dt.date(2023, 3, 15)),
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("㋿5年3月15日", dt.date(2023, 3, 15)),
        ("2023/03/15 10:30", dt.date(2023, 3, 15)),
    ],
)
def test_dates_in_every_form(raw, expected):
    assert normalise_date(raw) == expected


@pytest.mark.parametrize(
    "raw", ["2023/02/30", "平成31年5月1日", "令和0年1月1日", "3月15日", "soon", "R5.13.1"]
)
def test_impossible_dates_are_rejected(raw):
    with pytest.raises(ValueError):
        normalise_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("¥1,000", 1000),
        ("1,000円", 1000),
        ("１０００", 1000),
        ("￥５，０００", 5000),
        ("3000 JPY", 3000),
        ("\\500", 500),
    ],
)
def test_amounts(raw, expected):
    assert normalise_amount(raw) == expected


@pytest.mark.parametrize("raw", ["0", "-100", "1.5", "abc", "¥"])
def test_bad_amounts(raw):
    with pytest.raises(ValueError):
        normalise_amount(raw)


def test_postal_codes_phones_emails_kana():
    assert normalise_postal_code("〒１５０－０００１") == "150-0001"
    assert normalise_postal_code("1500001") == "150-0001"
    with pytest.raises(ValueError):
        normalise_postal_code("150-001")
    assert normalise_phone("０９０－１２３４－５６７８") == "09012345678"
    assert normalise_phone("(03) 1234-5678") == "0312345678"
    assert normalise_phone("+81 90 1234 5678") == "09012345678"
    assert normalise_phone("+1 415 555 0100") == "+14155550100"
    with pytest.raises(ValueError):
        normalise_phone("12-34")
    assert normalise_email(" Ｔａｒｏ@Example.JP ") == "taro@example.jp"
    with pytest.raises(ValueError):
        normalise_email("taro@")
    assert normalise_kana("ﾔﾏﾀﾞ") == "ヤマダ"
    assert normalise_kana("やまだ") == "ヤマダ"


def test_names_addresses_prefectures():
    assert split_full_name("山田　太郎") == ("山田", "太郎")
    assert split_full_name("Maria Garcia") == ("Garcia", "Maria")
    assert split_full_name("山田") == ("山田", "")
    assert split_address("東京都渋谷区神宮前1-2-3") == ("東京都", "渋谷区神宮前1-2-3")
    assert split_address("Berlin") == ("", "Berlin")
    assert normalise_prefecture("大阪") == "大阪府"
    assert normalise_prefecture("Tokyo") == "東京都"
    assert normalise_prefecture("hokkaido") == "北海道"
    with pytest.raises(ValueError):
        normalise_prefecture("Bavaria")


def test_headers_in_japanese_and_english():
    mapping, unknown = map_headers(["氏名", "フリガナ", "メールアドレス", "寄付金額", "寄付日", "好きな色"])
    assert mapping == {0: "full_name", 1: "full_kana", 2: "email", 3: "amount", 4: "date"}
    assert unknown == ["好きな色"]
    mapping, _ = map_headers(["Last Name", "First_Name", "E-mail", "Zip", "Donation date", "Ｅメール"])
    assert mapping == {0: "family_name", 1: "given_name", 2: "email", 3: "postal_code", 4: "date"}


def test_encoding_detection():
    text = "氏名,メール\n山田 太郎,t@example.jp\n"
    assert detect_encoding(io.BytesIO(text.encode("utf-8"))) == "utf-8-sig"
    assert detect_encoding(io.BytesIO(b"\xef\xbb\xbf" + text.encode("utf-8"))) == "utf-8-sig"
    assert detect_encoding(io.BytesIO(text.encode("cp932"))) == "cp932"
    # CP932-only characters (NEC special characters, IBM extensions) must decode too.
    data = "氏名,メール\n髙橋 ①,t@example.jp\n".encode("cp932")
    rows = list(iter_csv_rows(io.BytesIO(data)))
    assert rows[1] == (2, ["髙橋 ①", "t@example.jp"])


def test_line_numbers_count_lines_inside_quoted_cells():
    data = 'メール,備考\na@example.jp,"two\nlines"\nb@example.jp,x\n'.encode()
    assert [line for line, _ in iter_csv_rows(io.BytesIO(data))] == [1, 2, 4]


def test_row_errors_name_each_column():
    headers = ["メール", "郵便番号", "金額", "日付"]
    mapping, _ = map_headers(headers)
    row, errors = parse_row(5, ["not-an-email", "12", "¥1,000", "2023/02/30"], mapping, headers)
    assert row is None
    assert {(e.column, e.message.split(":")[0]) for e in errors} == {
        ("メール", "not a valid email address"),
        ("郵便番号", "a postal code has 7 digits"),
        ("日付", "no such date"),
    }


def test_amount_without_date_is_an_error():
    headers = ["メール", "金額", "日付"]
    mapping, _ = map_headers(headers)
    row, errors = parse_row(2, ["a@example.jp", "1000", ""], mapping, headers)
    assert row is None
    assert errors[0].column == "日付"


def test_blank_row_is_neither_row_nor_error():
    headers = ["メール", "氏名"]
    mapping, _ = map_headers(headers)
    assert parse_row(3, ["", " "], mapping, headers) == (None, [])
