"""Issue 15: a donor nobody recorded yet is typed into a batch row, checked on the server, shown as
"new donor" before posting, and created only when the batch posts (in its transaction)."""

import pytest
from django.urls import reverse

from crm.banktransfers.models import GiftBatch
from crm.banktransfers.services import BatchError, BatchRow, NewDonor, gift_batch_post
from crm.donors.models import Donor
from crm.donors.selectors import possible_duplicates
from crm.factories import DonorFactory
from crm.giving.models import Donation
from crm.receipts.models import Receipt
from tests.crm.banktransfers.conftest import TODAY, batch_form
from tests.crm.test_admin_fixtures import fundraiser_fixture  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def yamada(yamada):
    """The shared 山田 太郎, with an email (a new donor may not take it)."""
    yamada.email = "taro@example.org"
    yamada.save()
    return yamada


NEW_SUZUKI = {
    "new_name": "鈴木　一郎",
    "new_kana": "すずき いちろう",
    "new_phone": "090-1234-5678",
    "amount": "5000",
}


def test_new_donor_is_shown_then_created_with_the_gift_when_posted(client, fundraiser, yamada):
    client.force_login(fundraiser)
    url = reverse("bank_transfers:batch_new")
    rows = [{"donor": "ヤマダ", "amount": "10000"}, NEW_SUZUKI]
    page = client.post(url, batch_form(rows, count=2, total=15000)).content.decode()
    assert "nothing has been saved yet" in page and "Post these gifts" in page
    assert "New donor" in page and "鈴木 一郎 (スズキ イチロウ)" in page and "09012345678" in page
    assert "Posting also creates 1 new donor." in page
    assert not Donor.objects.filter(family_name="鈴木").exists()  # the check saves nothing

    response = client.post(url, batch_form(rows, count=2, total=15000, action="post"))
    batch = GiftBatch.objects.get()
    assert response["Location"] == reverse("bank_transfers:batch", args=[batch.pk])
    suzuki = Donor.objects.get(family_name="鈴木")
    assert (suzuki.given_name, suzuki.family_name_kana, suzuki.given_name_kana) == (
        "一郎",
        "スズキ",
        "イチロウ",
    )
    assert (suzuki.phone, suzuki.email, suzuki.source) == ("09012345678", None, "bank")
    assert "11月 振込" in suzuki.notes
    assert sorted(Donation.objects.values_list("donor_id", "amount")) == sorted(
        [(yamada.pk, 10000), (suzuki.pk, 5000)]
    )
    assert Receipt.objects.filter(donor=suzuki, amount=5000).exists()
    # The donor service built the search text: the next batch finds them by kana, romaji and phone.
    for query in ("すずき", "suzuki ichiro", "090-1234-5678"):
        found = client.get(reverse("bank_transfers:donor_find"), {"q": query}).json()["results"]
        assert [r["value"] for r in found] == [f"#{suzuki.pk}"], query


def test_new_donor_with_an_email_goes_through_donor_upsert(client, fundraiser):
    client.force_login(fundraiser)
    row = {"new_name": "Maria Garcia", "new_email": "Maria@Example.ORG", "amount": "3000"}
    client.post(reverse("bank_transfers:batch_new"), batch_form([row], count=1, total=3000, action="post"))
    maria = Donor.objects.get(email="maria@example.org")
    assert (maria.family_name, maria.given_name, maria.source) == ("Garcia", "Maria", "bank")
    assert Donation.objects.get().donor == maria


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"amount": "1000"}, "Find a donor, or enter a new donor"),
        ({"donor": "ヤマダ", "new_name": "鈴木 一郎", "amount": "1000"}, "not both"),
        ({"new_phone": "03-1234-5678", "amount": "1000"}, "needs a name or a reading"),
        ({"new_kana": "Suzuki", "amount": "1000"}, "Write the reading in kana"),
        ({"new_name": "鈴木", "new_phone": "12", "amount": "1000"}, "not a phone number"),
        ({"new_name": "鈴木", "new_email": "nope@", "amount": "1000"}, "valid email"),
    ],
)
def test_a_row_needs_a_found_donor_or_enough_for_a_new_one(client, fundraiser, yamada, row, message):
    client.force_login(fundraiser)
    rows = [{"donor": f"#{yamada.pk}", "amount": "500"}, row]
    page = client.post(
        reverse("bank_transfers:batch_new"), batch_form(rows, count=2, total=1500)
    ).content.decode()
    assert "Row 2:" in page and message in page
    assert "nothing has been saved yet" not in page
    assert Donor.objects.count() == 1


def test_an_email_that_belongs_to_a_donor_points_at_that_donor(client, fundraiser, yamada):
    client.force_login(fundraiser)
    rows = [NEW_SUZUKI, {"new_name": "山田 太郎", "new_email": "TARO@example.org", "amount": "1000"}]
    page = client.post(
        reverse("bank_transfers:batch_new"), batch_form(rows, count=2, total=6000)
    ).content.decode()
    assert f"Row 2: taro@example.org belongs to donor #{yamada.pk} 山田 太郎 already" in page
    assert f"type #{yamada.pk} under Donor instead" in page
    # The part of the row for a new donor stays open, with what was typed, without JavaScript.
    assert '<details class="crm-new-donor" open>' in page and 'value="TARO@example.org"' in page
    assert Donor.objects.count() == 1 and not Donation.objects.exists()


def test_a_former_address_of_a_merged_donor_also_points_at_them(client, fundraiser, yamada):
    yamada.email_history.create(email="old@example.org")
    client.force_login(fundraiser)
    row = {"new_name": "山田 太郎", "new_email": "old@example.org", "amount": "1000"}
    page = client.post(
        reverse("bank_transfers:batch_new"), batch_form([row], count=1, total=1000)
    ).content.decode()
    assert f"belongs to donor #{yamada.pk}" in page


def test_namesakes_are_pointed_out_before_posting(client, fundraiser, yamada):
    client.force_login(fundraiser)
    row = {"new_name": "山田 太郎", "new_kana": "ヤマダ タロウ", "amount": "1000"}
    page = client.post(
        reverse("bank_transfers:batch_new"), batch_form([row], count=1, total=1000)
    ).content.decode()
    assert "Already recorded with the same name, reading or phone" in page
    assert f"#{yamada.pk} 山田 太郎</a> (same name, same reading)" in page
    assert "Post these gifts" in page  # a warning, not a refusal: two people may share a name


def test_rows_giving_one_new_address_make_one_donor_and_must_agree(client, fundraiser):
    client.force_login(fundraiser)
    url = reverse("bank_transfers:batch_new")
    same = {"new_name": "佐藤 花子", "new_email": "hanako@example.org", "amount": "1000"}
    client.post(url, batch_form([same, {**same, "amount": "2000"}], count=2, total=3000, action="post"))
    hanako = Donor.objects.get(email="hanako@example.org")
    assert sorted(hanako.donations.values_list("amount", flat=True)) == [1000, 2000]

    other = {"new_name": "佐藤 次郎", "new_email": "jiro@example.org", "amount": "1000"}
    differs = {**other, "new_name": "佐藤 二郎"}
    page = client.post(url, batch_form([other, differs], count=2, total=2000)).content.decode()
    assert "Row 2: Row 1 gives this address to a new donor with other details" in page


def test_nothing_is_half_posted_when_the_address_is_taken_meanwhile():
    """Checked, then someone records the address before the batch posts: no donor, no gift, no batch."""
    first = BatchRow(
        received_on=TODAY, amount=1000, new_donor=NewDonor(family_name="鈴木", phone="0312345678")
    )
    taken = DonorFactory(email="late@example.org")
    second = BatchRow(
        received_on=TODAY, amount=2000, new_donor=NewDonor(family_name="林", email="late@example.org")
    )
    with pytest.raises(BatchError, match=f"Row 2: late@example.org belongs to donor #{taken.pk}"):
        gift_batch_post(name="b", expected_count=2, expected_total=3000, rows=[first, second])
    assert list(Donor.objects.all()) == [taken]
    assert not Donation.objects.exists() and not GiftBatch.objects.exists()
    taken.refresh_from_db()
    assert taken.family_name != "林"  # the address's owner was not quietly renamed


def test_a_row_without_any_donor_is_refused_by_the_service():
    with pytest.raises(BatchError, match="Row 1 needs a donor"):
        gift_batch_post(
            name="b", expected_count=1, expected_total=1000, rows=[BatchRow(received_on=TODAY, amount=1000)]
        )
    with pytest.raises(BatchError, match="Row 1 needs a donor"):
        row = BatchRow(received_on=TODAY, amount=1000, new_donor=NewDonor(phone="0312345678"))
        gift_batch_post(name="b", expected_count=1, expected_total=1000, rows=[row])
    assert not Donor.objects.exists() and not GiftBatch.objects.exists()


def test_a_new_donor_is_offered_for_merging_like_any_other(yamada):
    row = BatchRow(
        received_on=TODAY,
        amount=1000,
        new_donor=NewDonor(family_name_kana="ヤマダ", given_name_kana="タロウ"),
    )
    gift_batch_post(name="b", expected_count=1, expected_total=1000, rows=[row])
    new = Donor.objects.get(source="bank")
    assert [d.donor for d in possible_duplicates(donor=new)] == [yamada]


def test_the_batch_page_links_each_gift_to_its_receipt(client, fundraiser, yamada):
    batch = gift_batch_post(
        name="b",
        expected_count=1,
        expected_total=1000,
        rows=[BatchRow(received_on=TODAY, amount=1000, donor_id=yamada.pk)],
    )
    receipt = Receipt.objects.get()
    client.force_login(fundraiser)
    page = client.get(reverse("bank_transfers:batch", args=[batch.pk])).content.decode()
    assert f'href="{reverse("crm_receipt:inspect", args=[receipt.pk])}">{receipt.number}</a>' in page
