"""The Receipts menu: every screen answers, in English and Japanese; reissue, void, batches, runs, thanks."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from wagtail.users.models import UserProfile

from crm.factories import DonationFactory, DonorFactory
from crm.models import AnnualReceiptRun, Donation, PersonalThanks, PrintBatch, Receipt
from crm.receipts import services
from tests.crm.receipts.helpers import pdf_pages

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=TOKYO)
pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    with time_machine.travel(NOW, tick=False):
        post = DonorFactory(receipt_delivery="post", family_name="郵送")
        gifts = [
            DonationFactory(
                donor=post,
                received_at=NOW - datetime.timedelta(hours=2),
                method=Donation.Method.BANK_TRANSFER,
            ),
            DonationFactory(received_at=NOW - datetime.timedelta(hours=1), amount=80000),
            DonationFactory(received_at=NOW - datetime.timedelta(days=500)),
        ]
        services.gifts_acknowledge()
    return gifts


@pytest.mark.parametrize("language", ["en", "ja"])
@time_machine.travel(NOW, tick=False)
def test_every_screen_answers(admin_client, admin_user, data, language):
    UserProfile.objects.update_or_create(user=admin_user, defaults={"preferred_language": language})
    receipt = Receipt.objects.filter(kind="gift").first()
    batch = services.print_batch_create()
    run = AnnualReceiptRun.objects.create(year=2025)
    thanks = PersonalThanks.objects.first()
    urls = [
        reverse("crm_receipt:index"),
        reverse("crm_receipt:index") + "?q=" + receipt.number,
        reverse("crm_receipt:index") + "?kind=gift&status=issued&delivery=post",
        reverse("crm_receipt:inspect", args=[receipt.pk]),
        reverse("crm_receipt:reissue", args=[receipt.pk]),
        reverse("crm_receipt:void", args=[receipt.pk]),
        reverse("crm_annual_run:index"),
        reverse("crm_annual_run:add"),
        reverse("crm_annual_run:inspect", args=[run.pk]),
        reverse("crm_print_batch:index"),
        reverse("crm_print_batch:add"),
        reverse("crm_print_batch:inspect", args=[batch.pk]),
        reverse("crm_thank_you:index"),
        reverse("crm_personal_thanks:index"),
        reverse("crm_personal_thanks:edit", args=[thanks.pk]),
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
    index = admin_client.get(reverse("crm_receipt:index")).content.decode()
    assert ("Receipt number" if language == "en" else "領収書番号") in index
    menu = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert ("Receipts" if language == "en" else "\\u9818\\u53ce\\u66f8") in menu  # the sidebar's JSON
    queue = admin_client.get(reverse("crm_thank_you:index")).content.decode()
    assert ("To thank" if language == "en" else "お礼待ち") in queue


@time_machine.travel(NOW, tick=False)
def test_reissue_and_void_need_confirmation(admin_client, data):
    receipt = Receipt.objects.get(donation=data[1])
    response = admin_client.post(reverse("crm_receipt:reissue", args=[receipt.pk]), {"send_email": "on"})
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.reissue_count == 1
    assert (
        admin_client.post(reverse("crm_receipt:void", args=[receipt.pk]), {"reason": "間違い"}).status_code
        == 400
    )
    admin_client.post(reverse("crm_receipt:void", args=[receipt.pk]), {"reason": "間違い", "confirm": "on"})
    receipt.refresh_from_db()
    assert receipt.is_voided and receipt.void_reason == "間違い"
    pdf = admin_client.get(reverse("crm_receipt:pdf", args=[receipt.pk]))
    text = pdf_pages(pdf.content)[0]
    assert "取消" in text and "再発行" in text and receipt.number in text


@time_machine.travel(NOW, tick=False)
def test_print_batch_from_the_admin_with_pdf_and_list(admin_client, data):
    response = admin_client.post(reverse("crm_print_batch:add"))
    batch = PrintBatch.objects.get()
    assert response.status_code == 302 and batch.page_count == 1
    pdf = admin_client.get(reverse("crm_print_batch:pdf", args=[batch.pk]))
    assert len(pdf_pages(pdf.content)) == 1
    listing = admin_client.get(reverse("crm_print_batch:csv", args=[batch.pk])).content.decode("utf-8-sig")
    assert "郵送" in listing and "150-0001" in listing


@time_machine.travel(NOW, tick=False)
def test_thank_you_queue_marks_and_prints_letters(admin_client, data):
    transfer = data[0]
    url = reverse("crm_thank_you:index")
    assert transfer.donor.display_name in admin_client.get(url).content.decode()
    letters = admin_client.post(url, {"selected": [transfer.pk], "action": "letters"})
    assert letters["Content-Type"] == "application/pdf"
    admin_client.post(url, {"selected": [transfer.pk], "action": "letter"})
    assert Donation.objects.get(pk=transfer.pk).thank_you_status == "letter"


@time_machine.travel(NOW, tick=False)
def test_personal_thanks_done_from_the_admin(admin_client, data):
    thanks = PersonalThanks.objects.get(donation=data[1])
    assert thanks.large_gift
    admin_client.post(
        reverse("crm_personal_thanks:edit", args=[thanks.pk]), {"done_how": "call", "note": "ok"}
    )
    thanks.refresh_from_db()
    assert thanks.done_at is not None and thanks.done_how == "call"
    assert Donation.objects.get(pk=data[1].pk).thank_you_status == "call"


@time_machine.travel(NOW, tick=False)
def test_starting_an_annual_run_from_the_admin(admin_client, data):
    DonationFactory(received_at=datetime.datetime(2025, 5, 1, tzinfo=TOKYO))
    assert admin_client.post(reverse("crm_annual_run:add"), {"year": 2026}).status_code == 200  # not over yet
    with pytest.MonkeyPatch.context():
        response = admin_client.post(reverse("crm_annual_run:add"), {"year": 2025})
    assert response.status_code == 302
    run = AnnualReceiptRun.objects.get(year=2025)
    assert run.status in ("queued", "done")
