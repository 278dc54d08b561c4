import datetime

import pytest
from django.utils import timezone

from crm.factories import DonationFactory, DonorFactory, RecurringDonationFactory
from crm.giving.selectors import monthly_recurring_revenue
from crm.models import Donation, Donor, RecurringDonation

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def days_ago(n: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=n)


def test_with_giving_counts_only_succeeded_gifts_in_the_currency():
    donor = DonorFactory()
    DonationFactory(donor=donor, amount=1000, received_at=days_ago(300))
    DonationFactory(donor=donor, amount=3000, received_at=days_ago(10))
    DonationFactory(donor=donor, amount=50000, status=Donation.Status.REFUNDED, received_at=days_ago(400))
    DonationFactory(donor=donor, amount=7000, status=Donation.Status.FAILED, received_at=days_ago(1))
    DonationFactory(donor=donor, amount=99, currency="USD", received_at=days_ago(500))
    row = Donor.objects.with_giving().get(pk=donor.pk)
    assert row.lifetime_value == 4000
    assert row.first_gift_at == days_ago(300)
    assert row.last_gift_at == days_ago(10)
    assert row.is_member is False
    assert row.member_since is None


def test_with_giving_for_a_donor_who_never_gave():
    donor = DonorFactory()
    row = Donor.objects.with_giving().get(pk=donor.pk)
    assert (row.lifetime_value, row.first_gift_at, row.last_gift_at) == (0, None, None)


def test_membership_and_tenure_from_the_earliest_active_recurring_donation():
    donor = DonorFactory()
    RecurringDonationFactory(donor=donor, started_at=days_ago(400), status=RecurringDonation.Status.CANCELED)
    RecurringDonationFactory(donor=donor, started_at=days_ago(90))
    RecurringDonationFactory(donor=donor, started_at=days_ago(30))
    past_due = RecurringDonationFactory(status=RecurringDonation.Status.PAST_DUE).donor
    row = Donor.objects.with_giving().get(pk=donor.pk)
    assert row.is_member is True
    assert row.member_since == days_ago(90)
    assert list(Donor.objects.members()) == [donor]  # once, although two active gifts
    assert past_due not in Donor.objects.members()


def test_with_giving_does_not_multiply_rows_or_queries(django_assert_num_queries):
    for _ in range(5):
        donor = DonorFactory()
        DonationFactory.create_batch(3, donor=donor)
        RecurringDonationFactory.create_batch(2, donor=donor)
    with django_assert_num_queries(1):
        rows = list(Donor.objects.with_giving())
    assert len(rows) == 5
    assert {r.lifetime_value for r in rows} == {15000}


def test_lapsed_donors_gave_before_but_not_since_and_are_not_members():
    since = days_ago(365)
    lapsed = DonorFactory()
    DonationFactory(donor=lapsed, received_at=days_ago(500))
    recent = DonorFactory()
    DonationFactory(donor=recent, received_at=days_ago(500))
    DonationFactory(donor=recent, received_at=days_ago(5))
    member = DonorFactory()
    DonationFactory(donor=member, received_at=days_ago(500))
    RecurringDonationFactory(donor=member)
    refunded_only = DonorFactory()
    DonationFactory(donor=refunded_only, received_at=days_ago(500), status=Donation.Status.REFUNDED)
    DonorFactory()  # never gave
    assert list(Donor.objects.lapsed(since=since)) == [lapsed]


def test_monthly_recurring_revenue_counts_yearly_as_a_twelfth_and_only_active():
    RecurringDonationFactory(amount=3000)
    RecurringDonationFactory(amount=1000)
    RecurringDonationFactory(amount=12000, interval=RecurringDonation.Interval.YEAR)
    RecurringDonationFactory(amount=10000, interval=RecurringDonation.Interval.YEAR)
    RecurringDonationFactory(amount=5000, status=RecurringDonation.Status.CANCELED)
    RecurringDonationFactory(amount=5000, status=RecurringDonation.Status.PAST_DUE)
    RecurringDonationFactory(amount=10, currency="USD")
    # 3000 + 1000 + (12000 + 10000) // 12 = 4000 + 1833
    assert monthly_recurring_revenue() == 5833
    assert monthly_recurring_revenue(currency="USD") == 10


def test_monthly_recurring_revenue_empty():
    assert monthly_recurring_revenue() == 0


@pytest.mark.parametrize(
    "query",
    [
        "山田",
        "山田 太郎",
        "やまだ",
        "ヤマダ",
        "ﾔﾏﾀﾞ",
        "yamada",
        "Yamada Taro",
        "taro yamada",
        "tarou",
        "Tarō",
        "YAMADA.T@EXAMPLE",
        "ｙａｍａｄａ",
    ],
)
def test_search_finds_a_donor_by_kanji_kana_romaji_or_email(query):
    target = DonorFactory(
        family_name="山田",
        given_name="太郎",
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        email="yamada.t@example.jp",
    )
    DonorFactory(family_name="佐藤", given_name="花子", family_name_kana="サトウ", given_name_kana="ハナコ")
    assert list(Donor.objects.search(query)) == [target]


def test_search_by_kanji_without_kana_uses_the_dictionary_reading():
    target = DonorFactory(family_name="鈴木", given_name="一郎", family_name_kana="", given_name_kana="")
    assert list(Donor.objects.search("すずき")) == [target]
    assert list(Donor.objects.search("suzuki ichiro")) == [target]


def test_search_with_no_match():
    DonorFactory(family_name="山田", family_name_kana="ヤマダ", given_name="花子", given_name_kana="ハナコ")
    assert not Donor.objects.search("田中").exists()


@pytest.mark.parametrize(
    "query", ["山", "太郎", "山田太郎", "やまだたろう", "ヤマダ タロウ", "ﾀﾛｳ", "090-1234"]
)
def test_search_short_and_joined_japanese_terms(query):
    target = DonorFactory(
        family_name="山田",
        given_name="太郎",
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        phone="090-1234-5678",
    )
    DonorFactory(
        family_name="佐藤", given_name="花子", family_name_kana="サトウ", given_name_kana="ハナコ", phone=""
    )
    assert list(Donor.objects.search(query)) == [target]


@pytest.mark.postgres
def test_postgres_has_a_trigram_index_for_donor_search():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'crm_donor_search_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition
