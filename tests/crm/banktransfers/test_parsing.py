"""Reading statements: the Zengin 入出金取引明細 file and bank CSVs, in Shift_JIS and UTF-8."""

import datetime as dt

import pytest

from crm.banktransfers.demo import zengin_statement
from crm.banktransfers.parsing import StatementError, era_date, read_statement

DAY = dt.date(2026, 11, 20)


def test_zengin_file_credits_only_with_half_width_kana():
    data = zengin_statement(
        credits=[(DAY, 10000, "ﾔﾏﾀﾞ ﾀﾛｳ"), (DAY + dt.timedelta(days=1), 50000, "ｶ)ﾔﾏﾊﾂﾄﾞｳｷ")]
    )
    assert data[:3] == b"103" and len(data.split(b"\r\n")[0]) == 200
    statement = read_statement(data)
    assert statement.format == "zengin"
    assert statement.account == "0001-210-1-1234567"
    assert (statement.period_from, statement.period_to) == (DAY, DAY + dt.timedelta(days=1))
    assert statement.skipped_debits == 1  # the 3,300 yen paid out is no gift
    assert [(c.booked_on, c.amount, c.remitter, c.reference) for c in statement.credits] == [
        (DAY, 10000, "ヤマダ タロウ", "00000001"),
        (DAY + dt.timedelta(days=1), 50000, "カ)ヤマハツドウキ", "00000002"),
    ]
    assert "ミツイスミトモ" in statement.credits[0].memo


def test_zengin_file_without_line_breaks_reads_the_same():
    data = zengin_statement(credits=[(DAY, 3000, "ｽｽﾞｷ ﾊﾅｺ")])
    assert read_statement(data.replace(b"\r\n", b"")).credits[0].amount == 3000


def test_zengin_file_of_wrong_length_names_the_problem():
    data = zengin_statement(credits=[(DAY, 3000, "ｽｽﾞｷ ﾊﾅｺ")]).replace(b"\r\n", b"")[:-7]
    with pytest.raises(StatementError, match="200-character records"):
        read_statement(data)


def test_zengin_bad_amount_names_the_line():
    data = bytearray(zengin_statement(credits=[(DAY, 3000, "ｽｽﾞｷ ﾊﾅｺ")]).replace(b"\r\n", b""))
    data[200 + 30 : 200 + 32] = b"X1"
    with pytest.raises(StatementError, match="Line 2"):
        read_statement(bytes(data))


def test_era_dates():
    assert era_date("081120", line=1) == dt.date(2026, 11, 20)  # 令和8年
    assert era_date("310430", line=1) == dt.date(2019, 4, 30)  # 平成31年: Reiwa had not begun
    with pytest.raises(StatementError, match="Line 3"):
        era_date("081332", line=3)


def test_csv_in_shift_jis_with_a_preamble_and_debits():
    text = (
        "口座,みずほ銀行 渋谷支店 普通 1234567\r\n"
        "日付,摘要,出金額,入金額,残高\r\n"
        '2026/11/04,ﾔﾏﾀﾞ ﾀﾛｳ,,"10,000",110000\r\n'
        "2026/11/05,ｼﾞﾑｼﾖﾖｳﾋﾝ,3300,,106700\r\n"
        "令和8年11月6日,1234 ｻﾄｳ ｷﾖｳｺ,,5000,111700\r\n"
    )
    statement = read_statement(text.encode("cp932"))
    assert statement.format == "csv"
    assert statement.skipped_debits == 1
    assert [(c.line, c.booked_on, c.amount, c.remitter) for c in statement.credits] == [
        (3, dt.date(2026, 11, 4), 10000, "ヤマダ タロウ"),
        (5, dt.date(2026, 11, 6), 5000, "1234 サトウ キヨウコ"),
    ]


def test_csv_in_utf8_with_remitter_column():
    text = "\ufeff取引日,振込依頼人名,入金金額\n2026-11-04,ｽｽﾞｷ ﾕ-ｺ,3000\n"
    assert read_statement(text.encode()).credits[0].remitter == "スズキ ユ-コ"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("名前,金額\nﾔﾏﾀﾞ,1000\n", "date column"),
        ("日付,入金額\n2026/11/04,1000\n", "remitter column"),
        ("日付,摘要,入金額\n2026/11/04,ﾔﾏﾀﾞ,abc\n", "Line 2"),
        ("日付,摘要,入金額\n2026/13/04,ﾔﾏﾀﾞ,1000\n", "Line 2"),
        ("日付,摘要,入金額\n2026/11/04,ﾔﾏﾀﾞ,\n", "Line 2: no amount"),
    ],
)
def test_csv_problems_name_the_line(text, message):
    with pytest.raises(StatementError, match=message):
        read_statement(text.encode("cp932"))


def test_empty_file():
    with pytest.raises(StatementError, match="empty"):
        read_statement(b"  \n")
