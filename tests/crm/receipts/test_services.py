"""Receipts issued, numbered, sent, reissued and voided; the donor's choices; thanks."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail

from crm.factories import DonationFactory, DonorFactory, PartnerCompanyFactory, RecurringDonationFactory
from crm.models import Donation, Donor, Interaction, PersonalThanks, Receipt, ReceiptDispatch, ReceiptSettings
from crm.receipts import services
from tests.crm.receipts.helpers import pdf_pages, pdf_positions

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=TOKYO)
pytestmark = pytest.mark.django_db


def _gift(**kwargs):
    kwargs.setdefault("received_at", NOW - datetime.timedelta(hours=1))
    return DonationFactory(**kwargs)


@time_machine.travel(NOW, tick=False)
def test_a_new_card_gift_gets_a_numbered_receipt_emailed_in_japanese_and_is_thanked(
    django_capture_on_commit_callbacks,
):
    donor = DonorFactory(family_name="山田", given_name="太郎", email="taro@example.org")
    gift = _gift(donor=donor, amount=3000, method=Donation.Method.CARD)
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.gifts_acknowledge()
    assert counts["receipts"] == 1
    receipt = Receipt.objects.get(donation=gift)
    assert receipt.number == "R2026-000001"
    assert (receipt.amount, receipt.purpose, receipt.delivery) == (3000, "gift", "email")
    [message] = mail.outbox
    assert message.to == ["taro@example.org"]
    assert "山田 太郎 様" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("R2026-000001.pdf", "application/pdf")
    text = pdf_pages(content)[0]
    for expected in (
        "領収書",
        "R2026-000001",
        "山田 太郎 様",
        "￥3,000円",
        "但し、ご寄付として",
        "2026年3月10日",
        "特定非営利活動法人 WELgee",
        "認定特定非営利活動法人ではありません",
        "寄附金控除",
    ):
        assert expected in text, expected
    gift.refresh_from_db()
    assert gift.thank_you_status == Donation.ThankYouStatus.EMAIL
    assert Interaction.objects.filter(donor=donor, summary__contains="R2026-000001").exists()
    # Run again: nothing new, nothing sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.gifts_acknowledge()["receipts"] == 0
    assert services.receipt_email_send(receipt_id=receipt.pk) == "sent"
    assert len(mail.outbox) == 1


@time_machine.travel(NOW, tick=False)
def test_layout_puts_the_title_on_top_the_amount_in_the_middle_and_the_note_at_the_foot():
    gift = _gift(amount=12000)
    receipt = services.receipt_issue_for_gift(donation=gift)
    data = services.receipt_pdf(receipt)
    assert len(pdf_pages(data)) == 1
    positions = pdf_positions(data)
    title_y = positions["領収書"][1]
    amount_y = positions["￥12,000円"][1]
    note_y = next(y for text, (x, y) in positions.items() if "認定" in text)
    assert title_y > amount_y > note_y
    assert 841 - title_y < 150 and note_y < 120


@time_machine.travel(NOW, tick=False)
def test_english_donor_company_and_joint_names():
    company = PartnerCompanyFactory(name="株式会社テスト", name_en="Test Co., Ltd.")
    en = DonorFactory(preferred_language="en", family_name="Smith", given_name="Ann")
    corp = DonorFactory(company=company, receipt_to_company=True)
    joint = DonorFactory(receipt_name="山田 太郎・花子")
    monthly = RecurringDonationFactory(donor=joint)
    r_en = services.receipt_issue_for_gift(donation=_gift(donor=en, amount=5000))
    r_corp = services.receipt_issue_for_gift(donation=_gift(donor=corp, amount=100000))
    r_joint = services.receipt_issue_for_gift(donation=_gift(donor=joint, recurring_donation=monthly))
    text_en = pdf_pages(services.receipt_pdf(r_en))[0]
    assert "Receipt" in text_en and "¥5,000 (JPY)" in text_en and "As a donation" in text_en
    assert "not a certified" in text_en
    assert "株式会社テスト 御中" in pdf_pages(services.receipt_pdf(r_corp))[0]
    text_joint = pdf_pages(services.receipt_pdf(r_joint))[0]
    assert "山田 太郎 様・花子 様" in text_joint and "但し、月額会費として" in text_joint
    assert [r_en.number, r_corp.number, r_joint.number] == ["R2026-000001", "R2026-000002", "R2026-000003"]


@time_machine.travel(NOW, tick=False)
def test_reissue_keeps_the_number_and_is_marked_and_can_be_emailed_again():
    receipt = services.receipt_issue_for_gift(donation=_gift())
    assert services.receipt_email_send(receipt_id=receipt.pk) == "sent"
    again = services.receipt_reissue(receipt=receipt)
    assert again.number == receipt.number and again.reissue_count == 1
    assert "再発行" in pdf_pages(services.receipt_pdf(again))[0]
    assert services.receipt_email_send(receipt_id=receipt.pk) == "sent"
    assert services.receipt_email_send(receipt_id=receipt.pk) == "sent"  # the same reissue: not again
    assert len(mail.outbox) == 2
    assert ReceiptDispatch.objects.filter(receipt=receipt).count() == 2


@time_machine.travel(NOW, tick=False)
def test_refunds_void_the_receipt_and_a_partial_refund_gets_a_new_number_for_the_rest():
    full = _gift(amount=5000)
    partial = _gift(amount=10000)
    r_full = services.receipt_issue_for_gift(donation=full)
    r_partial = services.receipt_issue_for_gift(donation=partial)
    Donation.objects.filter(pk=full.pk).update(status=Donation.Status.REFUNDED, amount_refunded=5000)
    Donation.objects.filter(pk=partial.pk).update(amount_refunded=4000)
    assert services.receipts_follow_refunds() == 2
    r_full.refresh_from_db()
    r_partial.refresh_from_db()
    assert r_full.is_voided and r_partial.is_voided and r_full.amount == 5000  # never silently changed
    replacement = Receipt.objects.get(replaces=r_partial)
    assert replacement.amount == 6000 and replacement.number == "R2026-000003"
    assert "取消" in pdf_pages(services.receipt_pdf(r_full))[0]
    assert services.receipts_follow_refunds() == 0


@time_machine.travel(NOW, tick=False)
def test_delivery_follows_the_donor_and_post_goes_into_a_batch_in_postal_code_order():
    north = DonorFactory(receipt_delivery="post", postal_code="060-0001", family_name="北")
    south = DonorFactory(receipt_delivery="post", postal_code="900-0001", family_name="南")
    middle = DonorFactory(email=None, postal_code="150-0001", family_name="中")  # email without address: post
    nothing = DonorFactory(receipt_delivery="none")
    for donor in (south, north, middle, nothing):
        _gift(donor=donor)
    services.gifts_acknowledge()
    assert Receipt.objects.get(donor=nothing).delivery == "none"
    assert not mail.outbox
    batch = services.print_batch_create()
    assert batch.page_count == 3
    pages = pdf_pages(services.print_batch_pdf(batch))
    assert [("北" in p, "中" in p, "南" in p) for p in pages] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]
    number = Receipt.objects.get(donor=south).number
    assert Interaction.objects.filter(donor=south, summary__contains=f"{number} を郵送").exists()
    assert services.print_batch_create() is None


@time_machine.travel(NOW, tick=False)
def test_first_and_large_gifts_ask_for_personal_thanks_within_72_hours_and_transfers_wait_in_the_queue():
    config = ReceiptSettings.load()
    config.large_gift_jpy = 30000
    config.save()
    regular = DonorFactory()
    DonationFactory(donor=regular, received_at=NOW - datetime.timedelta(days=200), thank_you_status="")
    small = _gift(donor=regular, amount=3000, method=Donation.Method.BANK_TRANSFER)
    large = _gift(donor=regular, amount=30000, method=Donation.Method.CASH)
    first = _gift(amount=1000)
    services.gifts_acknowledge()
    open_ = {t.donation_id: t for t in PersonalThanks.objects.all()}
    assert set(open_) == {large.pk, first.pk}
    assert open_[large.pk].large_gift and not open_[large.pk].first_gift
    assert open_[first.pk].due_at == first.created_at + datetime.timedelta(hours=72)
    assert set(services.thank_you_queue().values_list("pk", flat=True)) >= {small.pk, large.pk}
    services.personal_thanks_done(thanks=open_[large.pk], how="call", note="喜んでいました")
    large.refresh_from_db()
    assert large.thank_you_status == "call"
    services.thank_you_mark(donation_ids=[small.pk], status="letter")
    assert Donation.objects.get(pk=small.pk).thank_you_status == "letter"
    letters = pdf_pages(services.thank_you_letters_pdf(donations=[small]))
    assert len(letters) == 1 and "様" in letters[0] and "￥3,000円" in letters[0]


def test_old_gifts_imported_today_get_no_receipt_emails():
    with time_machine.travel(NOW, tick=False):
        _gift(received_at=NOW - datetime.timedelta(days=400))
        assert services.gifts_acknowledge()["receipts"] == 0


@time_machine.travel(NOW, tick=False)
def test_donor_choice_is_recorded_on_the_timeline():
    donor = DonorFactory()
    services.receipt_delivery_choose(donor=donor, delivery="post")
    assert Donor.objects.get(pk=donor.pk).receipt_delivery == "post"
    assert Interaction.objects.filter(donor=donor, summary__contains="領収書: 郵送で").exists()
