"""Demo bank transfers for `load_demo_data`: a posted batch of transfers typed by hand, and one Zengin
statement uploaded and matched, waiting for review (matched, probable and unmatched lines). Idempotent:
the batch is found by name, and the statement by its file's fingerprint."""

from __future__ import annotations

import datetime as dt
import hashlib

import jaconv
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from crm.banktransfers.models import BankStatement, GiftBatch
from crm.banktransfers.services import BatchRow, gift_batch_post, statement_match, statement_upload
from crm.donors.models import Donor
from crm.receipts.demo import _record_as_emailed
from crm.receipts.models import Receipt

DEMO_BATCH = "デモ: 振込 (手入力) / Demo: transfers typed in"
DEMO_STATEMENT = "demo-nyushukkin-zengin.txt"
_SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョヮ", "アイウエオツヤユヨワ")


def bank_kana(reading: str) -> str:
    """A reading as a bank writes it: half-width katakana, no small letters."""
    return jaconv.z2h(jaconv.hira2kata(reading).translate(_SMALL_TO_LARGE), kana=True, ascii=True, digit=True)


def _reiwa(day: dt.date) -> str:
    return f"{day.year - 2018:02d}{day.month:02d}{day.day:02d}"


def _field(text: str, width: int) -> str:
    return text[:width].ljust(width)


def zengin_statement(*, credits: list[tuple[dt.date, int, str]], account: str = "1234567") -> bytes:
    """A 全銀協 入出金取引明細 file (200-byte records, CRLF, Shift_JIS) with these credits
    (date, amount, remitter in half-width kana) and one debit, as a bank's web banking gives it."""
    first, last = min(c[0] for c in credits), max(c[0] for c in credits)
    header = (
        "103" + "0" + _reiwa(last) + _reiwa(first) + _reiwa(last) + "0001" + _field("ﾐｽﾞﾎ", 15) + "210"
        + _field("ｼﾌﾞﾔ", 15) + "000" + "1" + account.rjust(10, "0") + _field("ﾄｸﾋ)ｳｴﾙｼﾞ-", 40) + "0" + "1"
        + "0" * 14 + " " * 71
    )  # fmt: skip
    records = [header]
    rows = [*[(d, a, n, "1") for d, a, n in credits], (last, 3300, "ｼﾞﾑｼﾖﾖｳﾋﾝ", "2")]
    for number, (day, amount, name, direction) in enumerate(rows, start=1):
        records.append(
            "2" + f"{number:08d}" + _reiwa(day) + _reiwa(day) + direction + "11" + f"{amount:012d}"
            + "0" * 12 + "0" * 6 + "0" * 6 + "0" + "0" * 7 + "000" + "0" * 10 + _field(name, 48)
            + _field("ﾐﾂｲｽﾐﾄﾓ", 15) + _field("ﾎﾝﾃﾝ", 15) + _field("ﾌﾘｺﾐ", 20) + " " * 20 + " "
        )  # fmt: skip
    total_in = sum(c[1] for c in credits)
    records.append(
        "8" + f"{len(credits):06d}" + f"{total_in:013d}" + f"{1:06d}" + f"{3300:013d}" + "0" + "0" * 14
        + f"{len(rows):07d}" + " " * 139
    )  # fmt: skip
    records.append("9" + " " * 199)
    assert all(len(r) == 200 for r in records), [len(r) for r in records]
    return "\r\n".join(records).encode("cp932") + b"\r\n"


def load_banktransfers_demo(*, as_of: dt.datetime, domain: str) -> dict[str, int]:
    donors = list(
        Donor.objects.filter(email__endswith="@" + domain, erased_at__isnull=True)
        .exclude(family_name_kana="")
        .order_by("pk")[:40]
    )
    if len(donors) < 12:
        return {}
    today = as_of.date()
    made = {"batches": 0, "statements": 0}
    if not GiftBatch.objects.filter(name=DEMO_BATCH).exists():
        rows = [
            BatchRow(donor_id=d.pk, received_on=today - dt.timedelta(days=3 + i), amount=amount, memo=memo)
            for i, (d, amount, memo) in enumerate(
                zip(
                    donors[:4],
                    (5000, 10000, 3000, 30000),
                    ("", "年末のご寄付", "", "ご寄付(会社名義)"),
                    strict=True,
                )
            )
        ]
        with transaction.atomic():
            batch = gift_batch_post(
                name=DEMO_BATCH,
                expected_count=len(rows),
                expected_total=sum(r.amount for r in rows),
                rows=rows,
            )
            # The demo sends nothing: its receipts are recorded as emailed, as the receipts demo does.
            _record_as_emailed(
                Receipt.objects.filter(donation__batch_entry__batch=batch, delivery=Receipt.Delivery.EMAIL)
            )
        made["batches"] = 1
    data = demo_statement_bytes(donors=donors, today=today)
    if not BankStatement.objects.filter(file_sha256=hashlib.sha256(data).hexdigest()).exists():
        statement = statement_upload(upload=SimpleUploadedFile(DEMO_STATEMENT, data))
        statement_match(statement_id=str(statement.pk))  # the worker's job, done here so the demo shows it
        made["statements"] = 1
    return made


def demo_statement_bytes(*, donors: list[Donor], today: dt.date) -> bytes:
    """Matched by reading (two, one with the supporter number), one by reading and a typo (probable),
    and one nobody knows."""
    a, b, c = donors[5], donors[6], donors[7]
    credits = [
        (today - dt.timedelta(days=6), 10000, bank_kana(f"{a.family_name_kana} {a.given_name_kana}")),
        (
            today - dt.timedelta(days=5),
            5000,
            f"{c.pk} " + bank_kana(f"{c.family_name_kana} {c.given_name_kana}"),
        ),
        (today - dt.timedelta(days=4), 3000, bank_kana(f"{b.family_name_kana}")),
        (today - dt.timedelta(days=2), 20000, "ﾀﾅｶﾉﾎﾞﾙ"),
    ]
    return zengin_statement(credits=credits)
