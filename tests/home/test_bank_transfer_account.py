"""The donation page's bank account (振込先): checked against zengin-code, shown in Japanese and
English, editable by Communications (not by Fundraising's CRM permissions alone)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from home.transfer_account import BankTransferAccount
from tests.crm.test_admin_fixtures import communications_fixture, fundraiser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _account(**changes) -> BankTransferAccount:
    account = BankTransferAccount.load()
    fields = {
        "show_on_donation_page": True,
        "bank_code": "0001",
        "branch_code": "210",
        "account_number": "1234567",
        "holder_kana": "トクヒ）ウエルジー",
        "is_example": True,
        "bank_name_en": "Mizuho Bank",
        "branch_name_en": "Shibuya Branch",
    }
    for name, value in {**fields, **changes}.items():
        setattr(account, name, value)
    return account


def test_codes_fill_the_names_from_zengin_code():
    account = _account()
    account.full_clean()
    assert (account.bank_name, account.branch_name) == ("みずほ銀行", "渋谷支店")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"bank_code": "0002"}, "bank_code"),  # no such bank
        ({"branch_code": "999"}, "branch_code"),  # みずほ has no branch 999
        ({"account_number": "12345"}, "account_number"),
        ({"holder_kana": "ｳｴﾙｼﾞｰ"}, "holder_kana"),  # half-width: the page shows full-width
        ({"account_number": ""}, "show_on_donation_page"),
    ],
)
def test_bad_account_is_refused(changes, field):
    with pytest.raises(ValidationError) as error:
        _account(**changes).full_clean()
    assert field in error.value.message_dict


def test_donation_page_shows_the_account_in_both_languages(client, site_tree):
    account = _account()
    account.full_clean()
    account.save()
    ja = client.get(site_tree["donation"].url).content.decode()
    assert "みずほ銀行 (0001)" in ja and "渋谷支店 (210)" in ja and "1234567" in ja
    assert "トクヒ）ウエルジー" in ja and "ご登録のお名前" in ja
    assert "振込" in ja
    en = client.get(site_tree["en_donation"].url).content.decode()
    assert "Mizuho Bank (0001)" in en and "Shibuya Branch (210)" in en
    assert "write your name as registered" in en and "Example account" in en


def test_hidden_until_switched_on(client, site_tree):
    account = _account(show_on_donation_page=False)
    account.save()
    assert "1234567" not in client.get(site_tree["donation"].url).content.decode()


def test_communications_edit_the_setting_fundraising_does_not(client, communications, fundraiser):
    url = reverse("wagtailsettings:edit", args=["home", "banktransferaccount"])
    client.force_login(communications)
    assert client.get(url, follow=True).status_code == 200
    client.force_login(fundraiser)
    response = client.get(url, follow=True)
    assert response.status_code == 403 or "banktransferaccount" not in response.request["PATH_INFO"]
