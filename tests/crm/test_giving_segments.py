"""Segment rules that read the stored giving summary select the same donors as the definitions
over donations they replaced (for JPY gifts), and take refunds off lifetime value."""

import datetime
import random

import pytest
from django.db.models import Max, Min, Sum
from django.utils import timezone

from crm.models import Donation, Donor, RecurringDonation
from crm.segments.rules import donors_matching

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def at(y, m, d):
    return timezone.make_aware(datetime.datetime(y, m, d, 12))


def ids(field, operator, value="", value2=""):
    tree = {
        "match": "all",
        "rules": [{"field": field, "operator": operator, "value": value, "value2": value2}],
    }
    return set(donors_matching(tree, today=TODAY).values_list("pk", flat=True))


def gave_in(year: int) -> set[int]:
    start, end = at(year, 1, 1).replace(hour=0), at(year + 1, 1, 1).replace(hour=0)
    return set(
        Donation.objects.filter(status="succeeded", received_at__gte=start, received_at__lt=end).values_list(
            "donor_id", flat=True
        )
    )


@pytest.fixture
def crowd():
    """60 donors with gifts over 2021-2027 (a few dated in the future), refunds and memberships."""
    rng = random.Random(7)
    donors = Donor.objects.bulk_create([Donor(email=f"c{i}@example.org") for i in range(60)])
    gifts = []
    for donor in donors:
        for _ in range(rng.choice([0, 1, 1, 2, 3, 5])):
            when = at(
                rng.choice([2021, 2022, 2023, 2024, 2025, 2026, 2027]), rng.randint(1, 12), rng.randint(1, 28)
            )
            amount = rng.choice([1000, 3000, 10000, 50000])
            gifts.append(
                Donation(
                    donor=donor,
                    amount=amount,
                    amount_refunded=rng.choice([0, 0, 0, amount // 2]),
                    received_at=when,
                    status=rng.choice(["succeeded"] * 5 + ["refunded", "failed"]),
                )
            )
        if rng.random() < 0.4:
            RecurringDonation.objects.create(
                donor=donor,
                amount=rng.choice([1000, 5000, 12000]),
                interval=rng.choice(["month", "month", "year"]),
                status=rng.choice(["active", "active", "canceled", "paused"]),
                started_at=at(rng.choice([2020, 2023, 2025, 2026]), rng.randint(1, 12), 1),
            )
    Donation.objects.bulk_create(gifts)
    return donors


def test_lapsed_and_gave_in_x_not_y_match_the_donation_definition(crowd):
    assert ids("lapsed", "last_year_not_this_year") == gave_in(2025) - gave_in(2026)
    for x, y in [(2025, 2026), (2023, 2025), (2022, 2027), (2026, 2024), (2024, 2024)]:
        assert ids("lapsed", "gave_in_x_not_y", str(x), str(y)) == gave_in(x) - gave_in(y), (x, y)


def test_gift_dates_lifetime_and_membership_match_a_recount(crowd):
    per_donor = {
        row["donor_id"]: row
        for row in Donation.objects.filter(status="succeeded", currency="JPY")
        .values("donor_id")
        .annotate(
            first=Min("received_at"), last=Max("received_at"), net=Sum("amount") - Sum("amount_refunded")
        )
    }
    everyone = {d.pk for d in crowd}
    cut = at(2024, 7, 1).replace(hour=0)
    assert ids("first_gift", "before", "2024-07-01") == {k for k, r in per_donor.items() if r["first"] < cut}
    assert ids("last_gift", "after", "2024-07-01") == {k for k, r in per_donor.items() if r["last"] >= cut}
    assert ids("last_gift", "before", "2024-07-01") == {k for k, r in per_donor.items() if r["last"] < cut}
    net = {k: per_donor.get(k, {"net": 0})["net"] for k in everyone}
    assert ids("lifetime_value", "gte", "20000") == {k for k, v in net.items() if v >= 20000}
    assert ids("lifetime_value", "lte", "5000") == {k for k, v in net.items() if v <= 5000}
    active = RecurringDonation.objects.filter(status="active")
    assert ids("membership", "is", "member") == set(active.values_list("donor_id", flat=True))
    long_standing = active.filter(started_at__lt=at(2024, 6, 16).replace(hour=0))
    assert ids("tenure_months", "gte", "24") == set(long_standing.values_list("donor_id", flat=True))


def test_lifetime_value_is_net_of_refunds():
    donor = Donor.objects.create(email="refund@example.org")
    gift = Donation.objects.create(donor=donor, amount=50000, received_at=at(2025, 3, 1))
    assert donor.pk in ids("lifetime_value", "gte", "50000")
    gift.amount_refunded = 20000
    gift.save()
    assert donor.pk not in ids("lifetime_value", "gte", "50000")
    assert donor.pk in ids("lifetime_value", "between", "30000", "30000")
