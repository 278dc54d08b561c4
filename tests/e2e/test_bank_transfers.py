"""Issue 15 in a browser: a fundraiser types a batch of two bank transfers (a donor found by kana and
a donor nobody had recorded), checks it, posts it, and downloads the new donor's receipt (領収書) PDF.

A failing step leaves a screenshot under E2E_SCREENSHOTS (default: test-results/), named after the
test (the `page` fixture in conftest.py)."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from crm.factories import DonorFactory
from crm.models import Donation, Donor, Receipt
from tests.crm.test_admin_fixtures import _staff
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_batch_with_a_new_donor_to_the_receipt_pdf(page):
    yamada = DonorFactory(
        family_name="山田", given_name="太郎", family_name_kana="ヤマダ", given_name_kana="タロウ"
    )
    # A few days back: the day the bank booked them, and the gifts' receipts are issued at once.
    booked = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    log_in(page, _staff("fundraiser", "Fundraising"))

    page.goto("/admin/crm/bank-transfers/")
    page.get_by_role("link", name="New batch").click()
    page.wait_for_url("**/bank-transfers/batches/new/")
    page.fill("input[name=name]", "振込 e2e")
    page.fill("input[name=expected_count]", "2")
    page.fill("input[name=expected_total]", "15000")
    page.fill("input[name=gift-0-received_on]", booked)
    page.fill("input[name=gift-0-donor]", "やまだ")
    page.fill("input[name=gift-0-amount]", "10,000")
    page.fill("input[name=gift-1-received_on]", booked)
    page.locator("details.crm-new-donor").nth(1).locator("summary").click()
    page.fill("input[name=gift-1-new_name]", "鈴木 一郎")
    page.fill("input[name=gift-1-new_kana]", "すずき いちろう")
    page.fill("input[name=gift-1-new_email]", "ichiro@example.org")
    page.fill("input[name=gift-1-amount]", "5000")
    page.get_by_role("button", name="Check the batch").click()

    confirm = page.locator("table.crm-gift-batch-confirm")
    confirm.wait_for()
    assert f"#{yamada.pk} 山田 太郎 (ヤマダ タロウ)" in confirm.inner_text()
    new_row = confirm.locator("tr[data-new-donor]")
    assert "New donor" in new_row.text_content() and "鈴木 一郎 (スズキ イチロウ)" in new_row.inner_text()
    assert "Posting also creates 1 new donor." in page.locator("main").inner_text()
    assert not Donation.objects.exists() and not Donor.objects.filter(family_name="鈴木").exists()

    page.get_by_role("button", name="Post these gifts").click()
    page.wait_for_url("**/bank-transfers/batches/*/")
    suzuki = Donor.objects.get(email="ichiro@example.org")
    assert suzuki.source == "bank"
    assert sorted(Donation.objects.values_list("donor_id", "amount")) == sorted(
        [(yamada.pk, 10000), (suzuki.pk, 5000)]
    )
    receipt = Receipt.objects.get(donor=suzuki)

    # The batch page links each gift to its receipt; the receipt's page offers the PDF.
    page.get_by_role("link", name=receipt.number).click()
    page.wait_for_url(f"**/crm/receipts/all/inspect/{receipt.pk}/")
    # The admin serves it inline (Chromium would open its viewer): fetch it with the browser's session.
    href = page.get_by_role("link", name="Download PDF").get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert f'filename="{receipt.number}.pdf"' in response.headers["content-disposition"]
    text = PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    assert "鈴木 一郎 様" in text.replace("\u3000", " ") and "5,000" in text
