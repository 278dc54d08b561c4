"""Posting transfers: a batch all or nothing, statements matched and posted once, receipts, summaries."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.banktransfers.demo import bank_kana, zengin_statement
from crm.banktransfers.models import BankStatement, GiftBatch, StatementLine
from crm.banktransfers.parsing import StatementError
from crm.banktransfers.services import (
    BatchError,
    BatchRow,
    gift_batch_post,
    statement_decide,
    statement_post,
    statement_upload,
)
from crm.factories import DonationFactory, DonorFactory
from crm.giving.models import Donation, DonorGiving
from crm.receipts.models import Receipt
from tests.crm.banktransfers.conftest import NOW, TODAY, TOKYO

pytestmark = pytest.mark.django_db


def _donor(family, given, **kwargs):
    return DonorFactory(family_name_kana=family, given_name_kana=given, **kwargs)


def test_batch_posts_bank_transfers_with_receipts_and_summaries(
    django_capture_on_commit_callbacks, mailoutbox
):
    by_email = _donor("ヤマダ", "タロウ", receipt_delivery="email")
    by_post = _donor("サトウ", "ハナコ", receipt_delivery="post")
    rows = [
        BatchRow(donor_id=by_email.pk, received_on=TODAY - dt.timedelta(days=60), amount=10000, memo="年末"),
        BatchRow(donor_id=by_post.pk, received_on=TODAY, amount=3000),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        batch = gift_batch_post(name="11月", expected_count=2, expected_total=13000, rows=rows)
    gifts = Donation.objects.filter(batch_entry__batch=batch).order_by("amount")
    assert [(g.amount, g.method, g.received_at.astimezone(TOKYO).date()) for g in gifts] == [
        (3000, "bank_transfer", TODAY),
        (10000, "bank_transfer", TODAY - dt.timedelta(days=60)),
    ]
    assert batch.entries.get(donation__amount=10000).memo == "年末"
    # A receipt each (a transfer entered two months late still gets one), as each donor chose.
    receipts = Receipt.objects.filter(donation__in=gifts).order_by("amount")
    assert [(r.amount, r.delivery) for r in receipts] == [(3000, "post"), (10000, "email")]
    # The email receipt went after commit, through the task queue, with its PDF.
    assert [m.to for m in mailoutbox] == [[by_email.email]]
    assert mailoutbox[0].attachments[0][2] == "application/pdf"
    assert DonorGiving.objects.get(donor=by_email).lifetime_value == 10000
    assert DonorGiving.objects.get(donor=by_post).gift_count == 1


@pytest.mark.parametrize(
    ("count", "total", "rows"),
    [
        (2, 13000, [BatchRow(donor_id=0, received_on=TODAY, amount=13000)]),  # count does not match
        (1, 12000, [BatchRow(donor_id=0, received_on=TODAY, amount=13000)]),  # total does not match
        (1, 13000, [BatchRow(donor_id=0, received_on=TODAY + dt.timedelta(days=1), amount=13000)]),
    ],
)
def test_batch_that_does_not_add_up_saves_nothing(count, total, rows):
    donor = _donor("ヤマダ", "タロウ")
    rows = [BatchRow(donor_id=donor.pk, received_on=r.received_on, amount=r.amount) for r in rows]
    with pytest.raises(BatchError):
        gift_batch_post(name="x", expected_count=count, expected_total=total, rows=rows)
    assert not Donation.objects.exists() and not GiftBatch.objects.exists()


def _upload(data: bytes, name="meisai.txt") -> BankStatement:
    statement = statement_upload(upload=SimpleUploadedFile(name, data))
    from crm.banktransfers.services import statement_match

    statement_match(statement_id=str(statement.pk))
    statement.refresh_from_db()
    return statement


@pytest.fixture
def donors():
    return {
        "yamada": _donor("ヤマダ", "タロウ"),
        "sato": _donor("サトウ", "キョウコ"),
        "sato2": _donor("サトウ", "キョウコ"),
    }


def _statement_bytes(donors):
    return zengin_statement(
        credits=[
            (TODAY - dt.timedelta(days=3), 10000, "ﾔﾏﾀﾞ ﾀﾛｳ"),
            (TODAY - dt.timedelta(days=2), 5000, bank_kana("サトウ キョウコ")),
            (TODAY - dt.timedelta(days=1), 20000, "ﾀﾅｶ ﾉﾎﾞﾙ"),
        ]
    )


def test_statement_is_matched_reviewed_and_posted_once(donors):
    DonationFactory(donor=donors["sato2"], amount=5000, received_at=NOW - dt.timedelta(days=400))
    statement = _upload(_statement_bytes(donors))
    assert statement.stage == "review" and statement.lines_done == 3
    assert statement.bank_name == "みずほ銀行 (0001)"
    lines = {line.amount: line for line in statement.lines.all()}
    assert (lines[10000].status, lines[10000].donor_id) == ("matched", donors["yamada"].pk)
    # Two namesakes: the one who gave ¥5,000 before is the match.
    assert (lines[5000].status, lines[5000].donor_id) == ("matched", donors["sato2"].pk)
    assert lines[20000].status == "unmatched"

    statement_decide(statement=statement, decisions={lines[20000].pk: "skip"})
    counts = statement_post(statement=statement)
    assert counts == {"posted": 2, "already": 0}
    statement.refresh_from_db()
    assert statement.stage == "posted"
    gifts = Donation.objects.filter(method="bank_transfer")
    assert sorted(gifts.values_list("amount", flat=True)) == [5000, 10000]
    assert all(g.external_id.startswith("bank:") for g in gifts)
    assert Receipt.objects.filter(donation__in=gifts).count() == 2

    # The same file again: every line is known, nothing is recorded twice.
    again = _upload(_statement_bytes(donors), name="meisai-again.txt")
    statuses = sorted(again.lines.values_list("status", flat=True))
    assert statuses == ["already", "already", "unmatched"]
    assert statement_post(statement=again) == {"posted": 0, "already": 0}
    assert Donation.objects.count() == 3  # the two transfers and the earlier card gift


def test_two_open_statements_with_the_same_lines_post_each_gift_once(donors):
    DonationFactory(donor=donors["sato2"], amount=5000, received_at=NOW - dt.timedelta(days=400))
    first = _upload(_statement_bytes(donors))
    second = _upload(_statement_bytes(donors), name="overlap.txt")
    assert statement_post(statement=first)["posted"] == 2
    assert statement_post(statement=second) == {"posted": 0, "already": 2}
    assert Donation.objects.filter(method="bank_transfer").count() == 2


def test_identical_transfers_on_one_day_are_two_gifts():
    donor = _donor("ヤマダ", "タロウ")
    text = "日付,振込依頼人名,入金額\n2026/11/20,ﾔﾏﾀﾞ ﾀﾛｳ,1000\n2026/11/20,ﾔﾏﾀﾞ ﾀﾛｳ,1000\n"
    statement = _upload(text.encode("cp932"), name="meisai.csv")
    assert statement_post(statement=statement)["posted"] == 2
    assert donor.donations.count() == 2
    assert _upload(text.encode("cp932"), name="again.csv").lines.filter(status="already").count() == 2


def test_probable_line_picked_or_made_a_new_donor(donors):
    statement = _upload(_statement_bytes(donors))
    yamada_line = statement.lines.get(amount=10000)
    unknown = statement.lines.get(amount=20000)
    statement_decide(statement=statement, decisions={unknown.pk: "new"})
    unknown.refresh_from_db()
    assert (unknown.donor.family_name_kana, unknown.donor.given_name_kana) == ("タナカ", "ノボル")
    assert unknown.donor.source == "bank"
    statement_post(statement=statement)
    assert unknown.donor.donations.get().amount == 20000
    assert StatementLine.objects.get(pk=yamada_line.pk).status == "posted"


def test_unreadable_upload_records_nothing():
    with pytest.raises(StatementError):
        statement_upload(upload=SimpleUploadedFile("x.csv", "日付,摘要,入金額\nあ,い,う\n".encode()))
    assert not BankStatement.objects.exists()
