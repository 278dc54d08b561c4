"""A fundraiser in a real browser: import a Shift_JIS list (preview, then confirm) and merge a duplicate.

Selectors avoid visible labels where they can: the admin is shown in Japanese or English depending on
the user's language, and the flow must work in both.
"""

import pytest

from crm.factories import DonationFactory, DonorFactory
from crm.models import Donation, Donor
from tests.crm.test_admin_fixtures import _staff
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _log_in_as_fundraiser(page) -> None:
    log_in(page, _staff("fundraiser", "Fundraising"))


def test_fundraiser_previews_then_imports_a_shift_jis_list(page, tmp_path):
    DonorFactory(email="known@example.jp", family_name="佐藤", given_name="花子")
    csv_text = (
        "姓,名,セイ,メイ,メールアドレス,金額,日付\r\n"
        "山田,太郎,ヤマダ,タロウ,ｔａｒｏ@example.jp,\uff15\uff10\uff10\uff10,令和5年3月15日\r\n"
        "佐藤,花子,サトウ,ハナコ,KNOWN@example.jp,,\r\n"
        "鈴木,一郎,スズキ,イチロウ,not-an-email,1000,2023/03/15\r\n"
    )
    upload = tmp_path / "寄付者リスト.csv"
    upload.write_bytes(csv_text.encode("cp932"))
    _log_in_as_fundraiser(page)

    page.goto("/admin/crm/import/")
    page.set_input_files("input[type=file][name=file]", str(upload))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/admin/crm/import/*-*/")

    # The preview has written nothing, and names the bad row and its column.
    assert Donor.objects.count() == 1
    preview = page.locator("main").inner_text()
    assert "Shift_JIS" in preview or "cp932" in preview.lower()
    assert "not-an-email" in preview
    confirm = page.locator("form[action$='/confirm/'] button[type=submit]")
    assert confirm.is_enabled()
    confirm_form_html = page.locator("form[action$='/confirm/']").evaluate("form => form.outerHTML")

    confirm.click()
    page.wait_for_load_state()
    assert Donor.objects.count() == 2
    taro = Donor.objects.get(email="taro@example.jp")
    assert (taro.family_name, taro.given_name_kana) == ("山田", "タロウ")
    assert list(Donation.objects.filter(donor=taro).values_list("amount", flat=True)) == [5000]
    assert not Donor.objects.filter(family_name="鈴木").exists()
    assert "not-an-email" in page.locator("main").inner_text()

    # The same confirmation sent again (a second tab, a double click) imports nothing more.
    with page.expect_navigation():
        page.evaluate(
            """html => {
                document.body.insertAdjacentHTML('beforeend', html);
                const forms = document.querySelectorAll("form[action$='/confirm/']");
                forms[forms.length - 1].submit();
            }""",
            confirm_form_html,
        )
    assert page.locator("[data-stage=done]").count() == 1
    assert page.locator(".messages .error, .messages [class*=error]").count() >= 1
    assert Donor.objects.count() == 2
    assert Donation.objects.count() == 1


def test_fundraiser_merges_a_duplicate_after_confirming(page):
    survivor = DonorFactory(email="hanako@example.jp", family_name="山田", given_name="花子")
    duplicate = DonorFactory(email="hanako.yamada@example.com", family_name="山田", given_name="花子")
    DonationFactory(donor=survivor, amount=3000)
    DonationFactory(donor=duplicate, amount=5000)
    _log_in_as_fundraiser(page)

    page.goto(f"/admin/crm/donors/merge/{survivor.pk}/")
    page.fill("input[name=duplicate]", "HANAKO.YAMADA@example.com")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    # The confirmation step: nothing has moved yet.
    assert Donor.objects.filter(pk=duplicate.pk).exists()
    assert page.locator("input[name=confirm][value=yes]").count() == 1

    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/admin/crm/donors/inspect/{survivor.pk}/")
    assert not Donor.objects.filter(pk=duplicate.pk).exists()
    assert sorted(survivor.donations.values_list("amount", flat=True)) == [3000, 5000]
    timeline = page.locator("main").inner_text()
    assert "5,000" in timeline
