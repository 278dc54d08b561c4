"""Reading Japanese bank statements: the Zengin 入出金取引明細 file and the banks' CSV downloads.

No library on PyPI reads the 全銀協 入出金取引明細 (deposit and withdrawal details) record format
(zengin-code only knows bank and branch names; the Zengin libraries there write 総合振込 transfer
files), so this is a small reader of the published layout: 200-byte records, header (1), data (2),
trailer (8), end (9), with or without line breaks, in JIS 8-bit / Shift_JIS with half-width katakana.
Dates in the record are Japanese-era YYMMDD (令和), as the format defines them.

Only credits (入金) are kept: a debit is the NPO paying someone, never a gift.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from crm.donors.normalise import nfkc, normalise_amount, normalise_date
from crm.imports.reading import detect_encoding

RECORD_LENGTH = 200
# The first day of Reiwa; years before it in a statement are Heisei (statements are never older).
_REIWA_START = dt.date(2019, 5, 1)


class StatementError(ValueError):
    """The file cannot be read as a statement; the message names the line and the problem."""


@dataclass
class StatementCredit:
    """One money-in line of a statement."""

    line: int
    booked_on: dt.date
    amount: int
    remitter: str  # as the bank wrote it: half-width katakana, perhaps a code before the name
    reference: str = ""  # 照会番号, when the bank gives one
    memo: str = ""  # 摘要 / sending bank


@dataclass
class Statement:
    format: str  # "zengin" or "csv"
    credits: list[StatementCredit] = field(default_factory=list)
    account: str = ""  # bank-branch-number, from a Zengin header
    bank_code: str = ""
    branch_code: str = ""
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    skipped_debits: int = 0


def read_statement(data: bytes) -> Statement:
    """A Zengin file when the first record starts with "103", else a CSV with a header row."""
    if not data.strip():
        raise StatementError(_("The file is empty."))
    if data[:3] == b"103" and _looks_fixed_width(data):
        return read_zengin(data)
    return read_csv(data)


def _looks_fixed_width(data: bytes) -> bool:
    lines = [line for line in data.replace(b"\r", b"").split(b"\n") if line]
    return all(len(line) == RECORD_LENGTH for line in lines) or b"\n" not in data.strip()


# --- the Zengin 入出金取引明細 format -----------------------------------------------------------------


def _records(data: bytes) -> list[bytes]:
    body = data.replace(b"\r", b"").replace(b"\n", b"").replace(b"\x1a", b"")  # EOF mark of old DOS files
    if len(body) % RECORD_LENGTH:
        raise StatementError(
            _("A Zengin statement is made of 200-character records; this file has %(n)s characters.")
            % {"n": len(body)}
        )
    return [body[i : i + RECORD_LENGTH] for i in range(0, len(body), RECORD_LENGTH)]


def era_date(value: str, *, line: int) -> dt.date:
    """YYMMDD in the Japanese era of the day: 令和 when that date exists, else 平成."""
    if not (value.isdigit() and len(value) == 6):
        raise StatementError(
            _("Line %(line)s: %(value)s is not a date (YYMMDD).") % {"line": line, "value": value}
        )
    year, month, day = int(value[:2]), int(value[2:4]), int(value[4:])
    try:
        reiwa = dt.date(2018 + year, month, day)
        if reiwa >= _REIWA_START and reiwa <= dt.date.today() + dt.timedelta(days=366):
            return reiwa
        return dt.date(1988 + year, month, day)
    except ValueError:
        raise StatementError(
            _("Line %(line)s: %(value)s is not a date.") % {"line": line, "value": value}
        ) from None


def _number(text: str, *, line: int, what: str) -> int:
    if not text.strip().isdigit():
        raise StatementError(
            _("Line %(line)s: the %(what)s %(value)s is not a number.")
            % {"line": line, "what": what, "value": repr(text)}
        )
    return int(text)


def read_zengin(data: bytes) -> Statement:
    statement = Statement(format="zengin")
    seen_header = False
    for number, record in enumerate(_records(data), start=1):
        text = record.decode("cp932", errors="replace")
        kind = text[0]
        if kind == "1":
            if text[1:3] != "03":
                raise StatementError(
                    _("Line %(line)s: this is not a 入出金取引明細 file (kind %(kind)s).")
                    % {"line": number, "kind": text[1:3]}
                )
            seen_header = True
            statement.period_from = era_date(text[10:16], line=number)
            statement.period_to = era_date(text[16:22], line=number)
            statement.bank_code, statement.branch_code = text[22:26], text[41:44]
            statement.account = f"{text[22:26]}-{text[41:44]}-{text[62:63]}-{text[63:73].lstrip('0')}"
        elif kind == "2":
            if not seen_header:
                raise StatementError(_("Line %(line)s: a data record before the header.") % {"line": number})
            if text[21] != "1":  # 入払区分: 1 credit, 2 debit
                statement.skipped_debits += 1
                continue
            statement.credits.append(
                StatementCredit(
                    line=number,
                    booked_on=era_date(text[9:15], line=number),
                    amount=_number(text[24:36], line=number, what=_("amount")),
                    reference=text[1:9].strip(),
                    remitter=nfkc(text[81:129]),
                    memo=nfkc(
                        " ".join(
                            part for part in (text[129:144], text[144:159], text[159:179]) if part.strip()
                        )
                    ),
                )
            )
        elif kind in "89":
            continue  # trailer (totals) and end record
        else:
            raise StatementError(
                _("Line %(line)s: unknown record kind %(kind)s.") % {"line": number, "kind": kind}
            )
    if not seen_header:
        raise StatementError(_("No header record: this is not a Zengin statement."))
    return statement


# --- CSV downloads from web banking ------------------------------------------------------------------------

# Header names the banks use, folded to one meaning each (after NFKC, without spaces).
_DATE = {"日付", "取引日", "勘定日", "お取引日", "年月日", "入金日", "date"}
_NAME = {
    "振込依頼人名",
    "依頼人名",
    "摘要",
    "お取引内容",
    "内容",
    "取引内容",
    "お振込人",
    "remitter",
    "description",
}
_CREDIT = {
    "入金額",
    "入金金額",
    "入金金額(円)",
    "お預入金額",
    "預入金額",
    "お預り金額",
    "入金",
    "credit",
    "amount",
}
_DEBIT = {"出金額", "出金金額", "出金金額(円)", "お引出金額", "払出金額", "出金", "debit"}
_REFERENCE = {"照会番号", "番号", "reference"}


def _column(headers: list[str], names: set[str]) -> int | None:
    for index, header in enumerate(headers):
        if header in names:
            return index
    return None


def _header_row(rows: list[list[str]]) -> tuple[int, list[str]]:
    """Some banks put the account and period above the table: the header is the first row naming a date."""
    for start, row in enumerate(rows):
        headers = [nfkc(cell).replace(" ", "").lower() for cell in row]
        if _column(headers, _DATE) is not None:
            return start, headers
    raise StatementError(_("No header row with a date column (日付) was found."))


def _cell(row: list[str], col: int | None) -> str:
    return row[col] if col is not None and col < len(row) else ""


def read_csv(data: bytes) -> Statement:
    stream = io.BytesIO(data)
    encoding = detect_encoding(stream)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise StatementError(_("The file is neither UTF-8 nor Shift_JIS text.")) from None
    rows = list(csv.reader(io.StringIO(text)))
    statement = Statement(format="csv")
    start, headers = _header_row(rows)
    date_col, name_col, credit_col = (
        _column(headers, _DATE),
        _column(headers, _NAME),
        _column(headers, _CREDIT),
    )
    if name_col is None or credit_col is None:
        raise StatementError(
            _(
                "Line %(line)s: the header needs a remitter column (振込依頼人名 or 摘要) and an amount column (入金額)."
            )
            % {"line": start + 1}
        )
    debit_col, ref_col = _column(headers, _DEBIT), _column(headers, _REFERENCE)
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(cell.strip() for cell in row):
            continue
        cell = functools.partial(_cell, row)
        credit = nfkc(cell(credit_col))
        if credit in {"", "0", "-"}:
            if nfkc(cell(debit_col)) not in {"", "0", "-"}:
                statement.skipped_debits += 1
                continue
            raise StatementError(_("Line %(line)s: no amount in 入金額.") % {"line": number})
        try:
            amount = normalise_amount(credit)
            booked_on = normalise_date(cell(date_col))
        except ValueError as exc:
            raise StatementError(_("Line %(line)s: %(problem)s") % {"line": number, "problem": exc}) from None
        statement.credits.append(
            StatementCredit(
                line=number,
                booked_on=booked_on,
                amount=amount,
                remitter=nfkc(cell(name_col)),
                reference=nfkc(cell(ref_col)),
            )
        )
    if statement.credits:
        statement.period_from = min(c.booked_on for c in statement.credits)
        statement.period_to = max(c.booked_on for c in statement.credits)
    return statement
