"""The donor's record and edit pages say plainly whether post reaches them: no post, deceased, 宛先不明."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from crm.factories import DonorFactory
from crm.mailings.selectors import donor_address_key, postal_status
from crm.models import ReturnedMail
from tests.crm.test_admin_fixtures import fundraiser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _reasons(donor):
    return [code for code, _text in postal_status(donor).reasons]


def test_postal_status_names_every_reason_no_post_is_sent():
    ok = DonorFactory()
    assert postal_status(ok).postable and not postal_status(ok).address_warning
    assert _reasons(DonorFactory(no_post=True)) == ["no_post"]
    assert _reasons(DonorFactory(deceased_on=datetime.date(2026, 1, 5))) == ["deceased"]
    assert _reasons(DonorFactory(address_line="")) == ["no_address"]
    returned = DonorFactory()
    ReturnedMail.objects.create(donor=returned, address_key=donor_address_key(returned))
    assert _reasons(returned) == ["returned"]
    # A new address lifts the block by itself.
    returned.address_line = "神宮前9-9-9"
    returned.save()
    assert postal_status(returned).postable


def test_postal_code_off_its_address_is_a_warning_not_a_block():
    donor = DonorFactory(postal_code="100-0001")  # Chiyoda's code with a Shibuya address
    status = postal_status(donor)
    assert status.postable
    assert status.address_warning


def test_record_and_edit_pages_show_the_postal_status(client, fundraiser):
    client.force_login(fundraiser)
    deceased = DonorFactory(deceased_on=datetime.date(2026, 1, 5), no_post=True)
    returned = DonorFactory()
    ReturnedMail.objects.create(donor=returned, address_key=donor_address_key(returned))
    fine = DonorFactory()

    for view in ("crm_donor:inspect", "crm_donor:edit"):
        html = client.get(reverse(view, args=[deceased.pk]), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert 'data-postal-status="no-post"' in html, view
        assert 'data-postal-reason="deceased"' in html and "2026-01-05" in html
        assert 'data-postal-reason="no_post"' in html

        html = client.get(reverse(view, args=[returned.pk])).content.decode()
        assert 'data-postal-reason="returned"' in html
        assert "宛先不明" in html

        html = client.get(reverse(view, args=[fine.pk])).content.decode()
        assert 'data-postal-status="postable"' in html
        assert "data-postal-reason" not in html
