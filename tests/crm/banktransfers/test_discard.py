"""Issue 15: a statement still under review can be discarded after a confirmation page, and nothing
already recorded from it is lost."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from crm.banktransfers.demo import zengin_statement
from crm.banktransfers.models import BankStatement, StatementLine
from crm.banktransfers.services import StatementDiscardError, statement_discard, statement_post
from crm.giving.models import Donation
from crm.receipts.models import Receipt
from tests.crm.banktransfers.conftest import NOW
from tests.crm.test_admin_fixtures import communications_fixture, fundraiser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_statement_with_nothing_recorded_is_discarded_after_confirming(client, statement):
    page = client.get(reverse("bank_transfers:statement", args=[statement.pk])).content.decode()
    confirm_url = reverse("bank_transfers:statement_discard", args=[statement.pk])
    assert f'href="{confirm_url}"' in page and "Discard this statement…" in page

    confirm = client.get(confirm_url).content.decode()
    assert "Nothing from this statement has been recorded. Its 2 lines (¥17,000)" in confirm
    assert "Yes, discard the statement" in confirm
    assert BankStatement.objects.exists()  # the confirmation page changes nothing

    response = client.post(confirm_url)
    assert response["Location"] == reverse("bank_transfers:index")
    assert not BankStatement.objects.exists() and not StatementLine.objects.exists()
    assert not Donation.objects.exists()
    assert "discarded: nothing from it had been recorded" in client.get(response["Location"]).content.decode()
    # Who discarded what stays in the audit log after the statement is gone.
    entry = ModelLogEntry.objects.get(action="crm.statement_discard")
    assert entry.user_id == int(client.session["_auth_user_id"])
    assert entry.data == {"file": "meisai.txt", "discarded": 2, "kept": 0}


def test_lines_already_recorded_stay_and_only_the_others_are_discarded(client, statement, yamada):
    url = reverse("bank_transfers:statement", args=[statement.pk])
    client.post(url, {"action": "post"})  # records ヤマダ's line; タナカ's still waits
    gift = Donation.objects.get()
    statement.refresh_from_db()
    assert statement.stage == "review" and gift.donor == yamada

    confirm = client.get(reverse("bank_transfers:statement_discard", args=[statement.pk])).content.decode()
    assert "1 line of this statement (¥10,000) is already recorded as a gift. It stays recorded" in confirm
    assert "Only the 1 line not recorded (¥7,000) is discarded" in confirm

    response = client.post(reverse("bank_transfers:statement_discard", args=[statement.pk]))
    assert response["Location"] == url
    statement.refresh_from_db()
    assert statement.stage == "posted"
    assert list(statement.lines.values_list("amount", "status", "donation")) == [(10000, "posted", gift.pk)]
    assert Donation.objects.get() == gift and Receipt.objects.filter(donation=gift).exists()
    page = client.get(url).content.decode()
    assert "Lines discarded (not recorded): 1. Lines already recorded as gifts: 1; they stay" in page
    assert "Discard this statement…" not in page


def test_only_a_statement_under_review_can_be_discarded(client, statement):
    statement_post(statement=statement)
    statement.lines.filter(status="unmatched").update(status="skipped")
    statement_post(statement=statement)
    statement.refresh_from_db()
    assert statement.stage == "posted"
    page = client.get(reverse("bank_transfers:statement_discard", args=[statement.pk])).content.decode()
    assert "Only a statement waiting for review can be discarded." in page
    assert "Yes, discard the statement" not in page
    response = client.post(reverse("bank_transfers:statement_discard", args=[statement.pk]))
    assert response["Location"] == reverse("bank_transfers:statement", args=[statement.pk])
    assert statement.lines.count() == 2
    BankStatement.objects.filter(pk=statement.pk).update(stage="matching")
    with pytest.raises(StatementDiscardError):
        statement_discard(statement=statement)
    assert BankStatement.objects.filter(pk=statement.pk).exists()


def test_communications_cannot_discard(client, communications, statement):
    client.force_login(communications)
    url = reverse("bank_transfers:statement_discard", args=[statement.pk])
    assert client.get(url).status_code in (302, 403)
    assert client.post(url).status_code in (302, 403)
    assert BankStatement.objects.filter(pk=statement.pk).exists()


def test_the_same_file_can_be_imported_again_after_discarding(
    client, statement, django_capture_on_commit_callbacks
):
    client.post(reverse("bank_transfers:statement_discard", args=[statement.pk]))
    data = zengin_statement(credits=[(NOW.date(), 10000, "ﾔﾏﾀﾞ ﾀﾛｳ"), (NOW.date(), 7000, "ﾀﾅｶ ﾉﾎﾞﾙ")])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("bank_transfers:index"), {"file": SimpleUploadedFile("meisai.txt", data)})
    again = BankStatement.objects.get()
    assert sorted(again.lines.values_list("status", flat=True)) == ["matched", "unmatched"]
