"""The merge page suggests likely duplicates: same name, same reading or same phone; never erased ones."""

import pytest
from django.urls import reverse
from django.utils import translation

from crm.donors.selectors import possible_duplicates
from crm.factories import DonorFactory
from tests.crm.test_admin_fixtures import fundraiser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _donor(**fields):
    defaults = {
        "family_name": "",
        "given_name": "",
        "family_name_kana": "",
        "given_name_kana": "",
        "phone": "",
    }
    return DonorFactory(**{**defaults, **fields})


def test_finds_same_name_reading_and_phone_with_reasons():
    donor = _donor(
        family_name="山田",
        given_name="花子",
        family_name_kana="ヤマダ",
        given_name_kana="ハナコ",
        phone="090-1234-5678",
    )
    by_name = _donor(family_name="山田", given_name="花子")
    by_reading = _donor(
        family_name="山多", given_name="華子", family_name_kana="ヤマダ", given_name_kana="ハナコ"
    )
    by_phone = _donor(family_name="Yamada", given_name="Hanako", phone="09012345678")
    _donor(family_name="山田", given_name="太郎", family_name_kana="ヤマダ", given_name_kana="タロウ")
    erased = _donor(family_name="山田", given_name="花子")
    erased.erased_at = erased.created_at
    erased.save()

    with translation.override("en"):
        found = {d.donor.pk: d.reasons for d in possible_duplicates(donor=donor)}

    assert set(found) == {by_name.pk, by_reading.pk, by_phone.pk}
    assert found[by_name.pk] == ["same name"]
    assert found[by_reading.pk] == ["same reading"]
    assert found[by_phone.pk] == ["same phone"]


def test_a_donor_with_no_name_or_phone_has_no_suggestions():
    donor = _donor(email="someone@example.jp")
    _donor(email="other@example.jp")
    assert possible_duplicates(donor=donor) == []


def test_merge_page_lists_candidates_with_a_prefilled_merge_link(client, fundraiser):
    donor = _donor(family_name="佐藤", given_name="健", email="ken@example.jp")
    twin = _donor(family_name="佐藤", given_name="健", email="ken.sato@example.com")
    client.force_login(fundraiser)

    page = client.get(reverse("crm_donor:merge", args=[donor.pk])).content.decode()
    assert "ken.sato@example.com" in page
    assert f"?duplicate={twin.pk}" in page

    prefilled = client.get(reverse("crm_donor:merge", args=[donor.pk]), {"duplicate": twin.pk})
    assert f'value="{twin.pk}"' in prefilled.content.decode()
