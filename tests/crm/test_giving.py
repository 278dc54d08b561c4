"""The stored giving summary (crm_donorgiving) equals a recount from scratch after every kind of write.

The reference below aggregates Donation and RecurringDonation with the ORM, independently of the
triggers' SQL; each test writes through one path (save, delete, bulk_create, queryset.update, raw
SQL, a service) and compares every donor's stored row with it.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

from crm.donors.services.merge import donors_merge
from crm.donors.services.privacy import donor_erase
from crm.factories import DonationFactory, DonorFactory, RecurringDonationFactory
from crm.giving.models import DailyIncome
from crm.giving.services import (
    giving_rebuild,
    giving_triggers_ensure,
    giving_triggers_missing,
    giving_triggers_uninstall,
)
from crm.models import Donation, Donor, DonorGiving, RecurringDonation

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
COLUMNS = (
    "lifetime_value",
    "gift_count",
    "first_gift_at",
    "last_gift_at",
    "is_member",
    "member_since",
    "monthly_amount",
)


def days_ago(n: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=n)


def expected(donor_id: int) -> dict:
    """The figures computed from scratch: succeeded JPY gifts net of refunds; active memberships."""
    gifts = Donation.objects.filter(donor_id=donor_id, status="succeeded", currency="JPY").aggregate(
        lifetime_value=Sum(F("amount") - F("amount_refunded"), default=0),
        gift_count=Count("pk"),
        first_gift_at=Min("received_at"),
        last_gift_at=Max("received_at"),
    )
    active = RecurringDonation.objects.filter(donor_id=donor_id, status="active")
    monthly = sum(
        (r.amount // 12 if r.interval == "year" else r.amount) for r in active.filter(currency="JPY")
    )
    membership = active.aggregate(member_since=Min("started_at"), members=Count("pk"))
    return {
        **gifts,
        "is_member": membership["members"] > 0,
        "member_since": membership["member_since"],
        "monthly_amount": monthly,
    }


def stored(donor_id: int) -> dict:
    return DonorGiving.objects.values(*COLUMNS).get(donor_id=donor_id)


def expected_income() -> dict:
    """Daily income from scratch, in Python: succeeded gifts by Tokyo date, currency and kind."""
    sums: dict = {}
    for gift in Donation.objects.filter(status="succeeded"):
        if gift.recurring_donation_id:
            kind = "monthly"
        elif gift.method == "bank_transfer":
            kind = "bank_transfer"
        else:
            kind = "one_off"
        key = (timezone.localtime(gift.received_at).date(), gift.currency, kind)
        gross, refunded, gifts = sums.get(key, (0, 0, 0))
        sums[key] = (gross + gift.amount, refunded + gift.amount_refunded, gifts + 1)
    return sums


def stored_income() -> dict:
    return {
        (row.day, row.currency, row.kind): (row.gross, row.refunded, row.gifts)
        for row in DailyIncome.objects.all()
        if (row.gross, row.refunded, row.gifts) != (0, 0, 0)
    }


def assert_all_right() -> None:
    donors = list(Donor.objects.values_list("pk", flat=True))
    assert DonorGiving.objects.count() == len(donors)
    for pk in donors:
        assert stored(pk) == expected(pk), f"donor {pk}"
    assert stored_income() == expected_income()


def test_a_new_donor_has_a_zero_row():
    donor = DonorFactory()
    assert stored(donor.pk) == {
        "lifetime_value": 0,
        "gift_count": 0,
        "first_gift_at": None,
        "last_gift_at": None,
        "is_member": False,
        "member_since": None,
        "monthly_amount": 0,
    }


def test_gifts_added_refunded_partly_refunded_and_deleted():
    donor = DonorFactory()
    first = DonationFactory(donor=donor, amount=3000, received_at=days_ago(300))
    DonationFactory(donor=donor, amount=5000, received_at=days_ago(10))
    DonationFactory(donor=donor, amount=7000, status=Donation.Status.FAILED, received_at=days_ago(1))
    DonationFactory(donor=donor, amount=99, currency="USD", received_at=days_ago(500))
    assert stored(donor.pk)["lifetime_value"] == 8000
    assert stored(donor.pk)["first_gift_at"] == days_ago(300)
    assert_all_right()

    latest = Donation.objects.get(donor=donor, amount=5000)
    latest.amount_refunded = 1500  # partial refund: still a gift, worth less
    latest.save()
    assert stored(donor.pk)["lifetime_value"] == 6500
    assert stored(donor.pk)["gift_count"] == 2

    latest.status = Donation.Status.REFUNDED
    latest.save(update_fields=["status"])
    assert stored(donor.pk)["last_gift_at"] == days_ago(300)
    assert stored(donor.pk)["lifetime_value"] == 3000
    assert_all_right()

    first.delete()
    assert stored(donor.pk)["gift_count"] == 0
    assert_all_right()


def test_a_failed_gift_that_succeeds_later_and_a_date_corrected():
    donor = DonorFactory()
    gift = DonationFactory(donor=donor, status=Donation.Status.FAILED, received_at=days_ago(20))
    assert stored(donor.pk)["gift_count"] == 0
    gift.status = Donation.Status.SUCCEEDED
    gift.save()
    Donation.objects.filter(pk=gift.pk).update(received_at=days_ago(40))
    assert stored(donor.pk)["last_gift_at"] == days_ago(40)
    assert_all_right()


def test_bulk_create_and_raw_sql_inserts():
    donors = DonorFactory.create_batch(3)
    Donation.objects.bulk_create(
        [
            Donation(donor=donor, amount=1000 * (i + 1), received_at=days_ago(i * 30))
            for donor in donors
            for i in range(4)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO crm_donation (donor_id, amount, amount_refunded, currency, received_at, method,"
            " status, external_id, created_at) VALUES (%s, 2500, 500, 'JPY', %s, 'cash', 'succeeded', '', %s)",
            [donors[0].pk, days_ago(900), NOW],
        )
    assert stored(donors[0].pk)["first_gift_at"] == days_ago(900)
    assert stored(donors[0].pk)["lifetime_value"] == 10000 + 2000
    assert_all_right()

    Donor.objects.bulk_create([Donor(email=f"bulk{i}@example.org") for i in range(3)])
    assert_all_right()


def test_queryset_update_moves_gifts_between_donors():
    left, right = DonorFactory(), DonorFactory()
    DonationFactory.create_batch(2, donor=left, amount=4000, received_at=days_ago(100))
    DonationFactory(donor=right, amount=1000, received_at=days_ago(5))
    Donation.objects.filter(donor=left).update(donor=right)
    assert stored(left.pk)["lifetime_value"] == 0
    assert stored(left.pk)["last_gift_at"] is None
    assert stored(right.pk)["lifetime_value"] == 9000
    assert_all_right()


def test_merge_moves_gifts_and_membership_to_the_survivor():
    survivor, duplicate = DonorFactory(), DonorFactory()
    DonationFactory(donor=survivor, amount=1000, received_at=days_ago(3))
    DonationFactory(donor=duplicate, amount=5000, received_at=days_ago(700))
    RecurringDonationFactory(donor=duplicate, amount=3000, started_at=days_ago(700))
    donors_merge(survivor=survivor, duplicate=duplicate, user=None)
    assert not Donor.objects.filter(pk=duplicate.pk).exists()
    assert not DonorGiving.objects.filter(donor_id=duplicate.pk).exists()
    assert stored(survivor.pk)["lifetime_value"] == 6000
    assert stored(survivor.pk)["member_since"] == days_ago(700)
    assert_all_right()


def test_membership_activated_cancelled_yearly_and_in_another_currency():
    donor = DonorFactory()
    monthly = RecurringDonationFactory(
        donor=donor, amount=3000, status=RecurringDonation.Status.INCOMPLETE, started_at=days_ago(30)
    )
    assert stored(donor.pk)["is_member"] is False
    monthly.status = RecurringDonation.Status.ACTIVE
    monthly.save()
    RecurringDonationFactory(donor=donor, amount=12_011, interval="year", started_at=days_ago(400))
    RecurringDonationFactory(donor=donor, amount=10, currency="USD", started_at=days_ago(9))
    assert stored(donor.pk) == expected(donor.pk)
    assert stored(donor.pk)["monthly_amount"] == 3000 + 12_011 // 12
    assert stored(donor.pk)["member_since"] == days_ago(400)

    RecurringDonation.objects.filter(donor=donor).exclude(currency="USD").update(status="canceled")
    assert stored(donor.pk)["monthly_amount"] == 0
    assert stored(donor.pk)["is_member"] is True  # the USD membership is still active
    RecurringDonation.objects.filter(donor=donor, currency="USD").delete()
    assert stored(donor.pk)["is_member"] is False
    assert_all_right()


def test_erased_donor_keeps_its_figures_and_a_deleted_one_takes_its_row(django_user_model):
    staff = django_user_model.objects.create_user("staff")
    erased = DonorFactory()
    DonationFactory(donor=erased, amount=8000)
    donor_erase(donor=erased, user=staff)
    assert stored(erased.pk)["lifetime_value"] == 8000
    removed = DonorFactory()
    removed.delete()
    assert not DonorGiving.objects.filter(donor_id=removed.pk).exists()
    assert_all_right()


def test_with_giving_reads_the_stored_figures_net_of_refunds():
    donor = DonorFactory()
    DonationFactory(donor=donor, amount=10000, amount_refunded=2500)
    RecurringDonationFactory(donor=donor, amount=1200, interval="year")
    row = Donor.objects.with_giving().get(pk=donor.pk)
    assert (row.lifetime_value, row.gift_count, row.is_member, row.monthly_amount) == (7500, 1, True, 100)


def test_rebuild_repairs_what_bypassed_the_triggers_and_reports_it():
    donors = DonorFactory.create_batch(2)
    for donor in donors:
        DonationFactory(donor=donor, amount=2000)
    DonorGiving.objects.filter(donor=donors[0]).update(lifetime_value=1, is_member=True)
    DonorGiving.objects.filter(donor=donors[1]).delete()
    assert giving_rebuild(donor_ids=[donors[0].pk, donors[1].pk]) >= 2
    assert_all_right()
    assert giving_rebuild() == 0  # nothing left to correct
    DonorGiving.objects.update(gift_count=99)
    call_command("rebuild_giving", "--json")
    assert_all_right()
    assert giving_rebuild() == 0


def test_missing_triggers_are_put_back_and_the_figures_recounted():
    donor = DonorFactory()
    giving_triggers_uninstall()
    assert giving_triggers_missing()
    DonationFactory(donor=donor, amount=4000)  # written while nothing kept the summary
    late = DonorFactory()
    assert not DonorGiving.objects.filter(donor=late).exists()
    assert giving_triggers_ensure() is True
    assert giving_triggers_missing() == []
    assert giving_triggers_ensure() is False
    assert_all_right()


def test_mixed_writes_in_one_statement_on_many_donors():
    donors = DonorFactory.create_batch(5)
    for i, donor in enumerate(donors):
        DonationFactory.create_batch(i + 1, donor=donor, amount=1000 * (i + 1), received_at=days_ago(i))
        RecurringDonationFactory(donor=donor, status="active" if i % 2 else "paused")
    Donation.objects.filter(Q(donor__in=donors[:2]) | Q(amount=3000)).update(amount_refunded=F("amount") / 2)
    RecurringDonation.objects.filter(donor__in=donors[1:3]).update(status="active", amount=F("amount") * 2)
    Donation.objects.filter(pk__in=Donation.objects.filter(donor=donors[4]).values("pk")[:2]).delete()
    assert_all_right()


@pytest.mark.django_db(transaction=True)
def test_triggers_survive_a_transactional_test_flush():
    # pytest-django flushes every table after a transactional test (TRUNCATE on PostgreSQL, DELETE
    # with the triggers firing on SQLite); the next test must still find working triggers.
    donor = DonorFactory()
    DonationFactory(donor=donor, amount=1234)
    assert stored(donor.pk)["lifetime_value"] == 1234


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_triggers_still_keep_the_figures():
    donor = DonorFactory()
    DonationFactory(donor=donor, amount=4321)
    assert giving_triggers_missing() == []
    assert_all_right()


def test_loaddata_of_a_dump_does_not_count_gifts_twice():
    from django.core import serializers

    donor = DonorFactory()
    DonationFactory.create_batch(2, donor=donor, amount=2500)
    RecurringDonationFactory(donor=donor)
    dumped = serializers.serialize(
        "json",
        [
            *Donor.objects.filter(pk=donor.pk),
            *DonorGiving.objects.filter(donor=donor),
            *DailyIncome.objects.all(),
            *RecurringDonation.objects.filter(donor=donor),
            *Donation.objects.filter(donor=donor),
        ],
    )
    Donation.objects.all().delete()
    RecurringDonation.objects.all().delete()
    Donor.objects.filter(pk=donor.pk).delete()
    for obj in serializers.deserialize("json", dumped):
        obj.save()
    assert stored(donor.pk)["lifetime_value"] == 5000
    assert_all_right()


def test_a_load_with_the_triggers_suspended_is_recounted_at_the_end():
    from crm.giving.services import giving_triggers_suspended

    existing = DonorFactory()
    DonationFactory(donor=existing, amount=1000)
    with giving_triggers_suspended():
        donors = Donor.objects.bulk_create([Donor(email=f"load{i}@example.org") for i in range(3)])
        Donation.objects.bulk_create([Donation(donor=d, amount=2000) for d in [*donors, existing]])
        assert not DonorGiving.objects.filter(donor__in=donors).exists()
    assert giving_triggers_missing() == []
    assert stored(existing.pk)["lifetime_value"] == 3000
    assert_all_right()


# --- daily income -------------------------------------------------------------------------------------


def tokyo(*args: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def test_daily_income_counts_gifts_on_their_tokyo_day_by_kind():
    donor = DonorFactory()
    membership = RecurringDonationFactory(donor=donor, amount=3000)
    # 23:59 and 00:00 in Tokyo are two days (14:59 and 15:00 UTC, one UTC day).
    DonationFactory(donor=donor, amount=1000, received_at=tokyo(2026, 4, 1, 23, 59))
    DonationFactory(donor=donor, amount=2000, received_at=tokyo(2026, 4, 2, 0, 0))
    DonationFactory(donor=donor, amount=3000, recurring_donation=membership, received_at=tokyo(2026, 4, 2, 9))
    DonationFactory(donor=donor, amount=5000, method="bank_transfer", received_at=tokyo(2026, 4, 2, 10))
    DonationFactory(donor=donor, amount=700, status="failed", received_at=tokyo(2026, 4, 2, 11))
    assert stored_income() == {
        (datetime.date(2026, 4, 1), "JPY", "one_off"): (1000, 0, 1),
        (datetime.date(2026, 4, 2), "JPY", "one_off"): (2000, 0, 1),
        (datetime.date(2026, 4, 2), "JPY", "monthly"): (3000, 0, 1),
        (datetime.date(2026, 4, 2), "JPY", "bank_transfer"): (5000, 0, 1),
    }
    # A date corrected across midnight moves the gift; a deleted membership makes its gifts one-off
    # (the foreign key is set to NULL by an UPDATE).
    Donation.objects.filter(amount=1000).update(received_at=tokyo(2026, 4, 2, 0, 30))
    membership.delete()
    assert stored_income()[datetime.date(2026, 4, 2), "JPY", "one_off"] == (6000, 0, 3)
    assert (datetime.date(2026, 4, 2), "JPY", "monthly") not in stored_income()
    assert_all_right()
    assert giving_rebuild() == 0


def test_daily_income_rebuild_repairs_and_reports_wrong_rows():
    donor = DonorFactory()
    DonationFactory(donor=donor, amount=4000, received_at=days_ago(3))
    DonationFactory(donor=donor, amount=6000, received_at=days_ago(40))
    DailyIncome.objects.filter(day=timezone.localtime(days_ago(3)).date()).update(gross=1)
    DailyIncome.objects.filter(day=timezone.localtime(days_ago(40)).date()).delete()
    DailyIncome.objects.create(
        day=datetime.date(2001, 1, 1), currency="JPY", kind="one_off", gross=5, gifts=1
    )
    assert giving_rebuild() == 3  # one different, one missing, one left over with money in it
    assert_all_right()
    assert giving_rebuild() == 0
