"""What every bank-transfer test shares: a fixed moment in Japan time (a statement's dates and the
"not in the future" checks depend on the day), 山田 太郎, the donor a statement line matches, an
uploaded statement under review, and the batch form's data."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.banktransfers.demo import zengin_statement
from crm.banktransfers.models import BankStatement
from crm.factories import DonorFactory

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=TOKYO)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def yamada():
    return DonorFactory(
        family_name="山田", given_name="太郎", family_name_kana="ヤマダ", given_name_kana="タロウ"
    )


@pytest.fixture
def statement(client, fundraiser, yamada, django_capture_on_commit_callbacks):
    """Uploaded by a fundraiser and matched: ヤマダ matched, タナカ unmatched, waiting for review."""
    client.force_login(fundraiser)
    data = zengin_statement(credits=[(TODAY, 10000, "ﾔﾏﾀﾞ ﾀﾛｳ"), (TODAY, 7000, "ﾀﾅｶ ﾉﾎﾞﾙ")])
    # After commit, the matching task is queued (and run at once by the tests' task backend).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("bank_transfers:index"), {"file": SimpleUploadedFile("meisai.txt", data)}
        )
    statement = BankStatement.objects.get()
    assert response["Location"] == reverse("bank_transfers:statement", args=[statement.pk])
    assert statement.stage == "review"
    return statement


def batch_form(rows, *, count: int, total: int, action: str = "check") -> dict:
    """The new-batch form's data. A row is a (day, donor, amount, memo) tuple or a dict of the
    row's fields (received_on, donor, amount, memo, new_name, new_kana, ...; the day defaults)."""
    data = {
        "name": "11月 振込",
        "expected_count": count,
        "expected_total": total,
        "gift-TOTAL_FORMS": len(rows),
        "gift-INITIAL_FORMS": 0,
        "action": action,
    }
    for i, row in enumerate(rows):
        if isinstance(row, tuple):
            row = dict(zip(("received_on", "donor", "amount", "memo"), row, strict=True))
        data.update(
            {f"gift-{i}-{name}": value for name, value in {"received_on": "2026-11-20", **row}.items()}
        )
    return data
