"""The bank-transfer screens: Fundraising and superusers in, Communications out; a batch typed,
checked, confirmed and posted; a statement uploaded, reviewed and posted."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.banktransfers.models import BankStatement, GiftBatch
from crm.factories import DonorFactory
from crm.giving.models import Donation
from crm.receipts.models import Receipt
from tests.crm.banktransfers.conftest import NOW, batch_form
from tests.crm.test_admin_fixtures import (  # noqa: F401  (fixtures)
    communications_fixture,
    fundraiser_fixture,
    superuser_fixture,
)

pytestmark = pytest.mark.django_db


def _urls(statement=None, batch=None):
    urls = [
        reverse("bank_transfers:index"),
        reverse("bank_transfers:batch_new"),
        reverse("bank_transfers:donor_find") + "?q=ヤマダ",
    ]
    if statement is not None:
        urls.append(reverse("bank_transfers:statement", args=[statement.pk]))
    if batch is not None:
        urls.append(reverse("bank_transfers:batch", args=[batch.pk]))
    return urls


def _batch(donor) -> GiftBatch:
    from crm.banktransfers.services import BatchRow, gift_batch_post

    row = BatchRow(donor_id=donor.pk, received_on=NOW.date(), amount=5000)
    return gift_batch_post(name="b", expected_count=1, expected_total=5000, rows=[row])


@pytest.mark.parametrize("who", ["superuser", "fundraiser"])
def test_screens_open_for_fundraising_and_superusers(client, request, statement, yamada, who):
    client.force_login(request.getfixturevalue(who))
    batch = _batch(yamada)
    for url in _urls(statement, batch):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("bank_transfers:statement", args=[statement.pk])).content.decode()
    assert "ヤマダ タロウ" in page and "New donor with this reading" in page


def test_communications_are_refused_and_change_nothing(client, communications, statement, yamada):
    batch = _batch(yamada)
    client.force_login(communications)
    for url in _urls(statement, batch):
        assert client.get(url).status_code in (302, 403), url
    response = client.post(reverse("bank_transfers:statement", args=[statement.pk]), {"action": "post"})
    assert response.status_code in (302, 403)
    assert Donation.objects.count() == 1  # only the batch's


def test_batch_is_checked_confirmed_then_posted(client, fundraiser, yamada):
    other = DonorFactory(email="hanako@example.org")
    client.force_login(fundraiser)
    url = reverse("bank_transfers:batch_new")
    rows = [("2026-11-20", "ヤマダ", "¥10,000", "年末"), ("2026-11-21", "HANAKO@example.org", "3000", "")]
    response = client.post(url, batch_form(rows, count=2, total=13000))
    page = response.content.decode()
    assert response.status_code == 200 and "nothing has been saved yet" in page
    assert f"#{yamada.pk} 山田 太郎" in page and "Post these gifts" in page
    assert not Donation.objects.exists()

    response = client.post(url, batch_form(rows, count=2, total=13000, action="post"))
    batch = GiftBatch.objects.get()
    assert response["Location"] == reverse("bank_transfers:batch", args=[batch.pk])
    assert sorted(Donation.objects.values_list("donor_id", "amount", "method")) == sorted(
        [(yamada.pk, 10000, "bank_transfer"), (other.pk, 3000, "bank_transfer")]
    )
    assert Receipt.objects.count() == 2
    timeline = client.get(reverse("crm_donor:inspect", args=[yamada.pk])).content.decode()
    assert "Bank transfer" in timeline


def test_batch_that_does_not_add_up_cannot_be_posted(client, fundraiser, yamada):
    client.force_login(fundraiser)
    rows = [("2026-11-20", f"#{yamada.pk}", "10000", "")]
    response = client.post(
        reverse("bank_transfers:batch_new"), batch_form(rows, count=2, total=13000, action="post")
    )
    assert "Post these gifts" not in response.content.decode()
    assert "Correct the rows" in response.content.decode()
    assert not Donation.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("2026-11-20", "ヤマダ", "-500", ""), "not a yen amount"),
        (("2026-11-20", "ヤマダ", "abc", ""), "not a yen amount"),
        (("2026-11-20", "ヤマダ", "0", ""), "more than ¥0"),
        (("2026-11-20", "ナカムラ", "1000", ""), "No donor matches"),
        (("2026-11-20", "#999999", "1000", ""), "No donor matches"),
        (("2026-12-01", "ヤマダ", "1000", ""), "in the future"),
    ],
)
def test_bad_rows_are_named(client, fundraiser, yamada, row, message):
    client.force_login(fundraiser)
    response = client.post(reverse("bank_transfers:batch_new"), batch_form([row], count=1, total=1000))
    page = response.content.decode()
    assert "Row 1:" in page and message in page
    assert not Donation.objects.exists()


def test_several_donors_match_asks_for_the_number(client, fundraiser, yamada):
    DonorFactory(family_name="山田", given_name="花子", family_name_kana="ヤマダ", given_name_kana="ハナコ")
    client.force_login(fundraiser)
    response = client.post(
        reverse("bank_transfers:batch_new"),
        batch_form([("2026-11-20", "ヤマダ", "1000", "")], count=1, total=1000),
    )
    assert "Several donors match" in response.content.decode()


def test_statement_review_and_post(client, statement, yamada):
    lines = {line.amount: line for line in statement.lines.all()}
    assert lines[10000].status == "matched" and lines[7000].status == "unmatched"
    url = reverse("bank_transfers:statement", args=[statement.pk])
    # A typed name that matches nobody is refused, naming the line; nothing is recorded.
    response = client.post(url, {f"line-{lines[7000].pk}-donor": "存在しない人", "action": "post"})
    assert Donation.objects.count() == 0
    assert "Line 3" in client.get(response["Location"]).content.decode()
    client.post(url, {f"line-{lines[7000].pk}": "skip", "action": "post"})
    assert list(Donation.objects.values_list("donor_id", "amount")) == [(yamada.pk, 10000)]
    statement.refresh_from_db()
    assert statement.stage == "posted"
    # Posting again (a second click) records nothing more.
    client.post(url, {"action": "post"})
    assert Donation.objects.count() == 1


def test_bad_upload_is_named(client, fundraiser):
    client.force_login(fundraiser)
    response = client.post(
        reverse("bank_transfers:index"),
        {"file": SimpleUploadedFile("x.csv", "日付,入金額\n2026/11/01,1\n".encode())},
    )
    assert response.status_code == 200 and "remitter column" in response.content.decode()
    assert not BankStatement.objects.exists()


def test_donor_suggestions_as_the_fundraiser_types(client, fundraiser, yamada):
    client.force_login(fundraiser)
    for query in ("やまだ", "yamada", yamada.email, f"#{yamada.pk}"):
        found = client.get(reverse("bank_transfers:donor_find"), {"q": query}).json()["results"]
        assert found == [{"value": f"#{yamada.pk}", "label": f"#{yamada.pk} 山田 太郎 (ヤマダ タロウ)"}], (
            query
        )
    page = client.get(reverse("bank_transfers:batch_new")).content.decode()
    assert 'list="donor-choices"' in page and "crm/banktransfers.js" in page
