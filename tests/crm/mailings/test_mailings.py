"""Postal mailings: who gets a piece, households, finalising, the print-shop CSV, labels and letters."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from crm.factories import DonorFactory, PartnerCompanyFactory
from crm.mailings.pdf import labels_pdf, letters_pdf
from crm.mailings.selectors import (
    PRINT_SHOP_COLUMNS,
    Exclusion,
    address_key,
    mailing_pieces,
    mailing_plan,
    print_shop_csv,
)
from crm.mailings.services import (
    MailingError,
    mailing_finalise,
    returned_mail_mark,
    returned_mail_match_paste,
)
from crm.models import Donor, Interaction, Mailing, Segment

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def readers():
    """Members tagged for the report: a household of two Yamadas, one at a company, and the excluded."""
    taro = DonorFactory(family_name="山田", given_name="太郎", address_line="神宮前1丁目2番3号 ハイツ101")
    hanako = DonorFactory(family_name="山田", given_name="花子", address_line="神宮前１－２－３　ハイツ101")
    company = PartnerCompanyFactory(name="株式会社ウェルジー")
    sato = DonorFactory(family_name="佐藤", given_name="健太", address_line="渋谷2-1-1", company=company)
    sato.company_role = "人事部"
    sato.save()
    no_post = DonorFactory(family_name="鈴木", given_name="誠", no_post=True)
    deceased = DonorFactory(family_name="高橋", given_name="浩", deceased_on=datetime.date(2026, 1, 5))
    no_address = DonorFactory(family_name="田中", given_name="葵", address_line="")
    returned = DonorFactory(family_name="伊藤", given_name="舞", address_line="代々木3-3-3")
    returned_mail_mark(donors=[returned])
    everyone = [taro, hanako, sato, no_post, deceased, no_address, returned]
    for donor in everyone:
        donor.tags.add("報告書")
    segment = Segment.objects.create(
        name="Report readers",
        slug="report-readers",
        rules=[{"type": "rule", "value": {"field": "tag", "operator": "has_any", "value": "報告書"}}],
    )
    return {"segment": segment, "taro": taro, "hanako": hanako, "sato": sato, "returned": returned}


def test_address_key_treats_chome_and_dashes_alike():
    a = address_key(
        postal_code="150-0001", prefecture="東京都", city="渋谷区", address_line="神宮前1丁目2番3号"
    )
    b = address_key(
        postal_code="１５００００１", prefecture="東京都", city="渋谷区", address_line="神宮前１－２－３"
    )
    assert a == b


def test_plan_counts_households_and_reasons(readers):
    mailing = Mailing.objects.create(title="2026年 春の活動報告書", segment=readers["segment"])
    plan = mailing_plan(mailing)
    assert plan.piece_count == 2  # the Yamadas share one envelope; Sato has his own
    assert plan.donor_count == 3
    assert {reason: n for reason, _label, n in plan.excluded_counts()} == {
        Exclusion.NO_POST: 1,
        Exclusion.DECEASED: 1,
        Exclusion.NO_ADDRESS: 1,
        Exclusion.RETURNED: 1,
    }


@pytest.mark.parametrize(
    ("style", "expected"),
    [("given", "山田太郎様・花子様"), ("full", "山田太郎様・山田花子様"), ("first", "山田太郎様")],
)
def test_household_names_follow_the_chosen_style(readers, style, expected):
    mailing = Mailing.objects.create(title="Letter", segment=readers["segment"], name_style=style)
    addressees = {p.addressee for p in mailing_pieces(mailing)}
    assert expected in addressees


def test_hand_picked_donors_join_the_segment(readers):
    extra = DonorFactory(family_name="木村", given_name="彩", address_line="道玄坂9-9")
    mailing = Mailing.objects.create(title="Report", segment=readers["segment"])
    mailing.picked_donors.add(extra)
    assert mailing_plan(mailing).donor_count == 4
    only_picked = Mailing.objects.create(title="Just one")
    only_picked.picked_donors.add(extra)
    assert [p.addressee for p in mailing_pieces(only_picked)] == ["木村彩様"]


def test_returned_mail_lifts_when_the_address_changes(readers):
    mailing = Mailing.objects.create(title="Report", segment=readers["segment"])
    assert mailing_plan(mailing).donor_count == 3
    returned = readers["returned"]
    returned.address_line = "代々木4-4-4"
    returned.save()
    assert mailing_plan(mailing).donor_count == 4


@time_machine.travel(NOW, tick=False)
def test_finalise_freezes_pieces_and_writes_the_timeline(readers, django_user_model):
    user = django_user_model.objects.create_user(username="fr", password="x")
    mailing = Mailing.objects.create(title="春の報告書", segment=readers["segment"])
    final = mailing_finalise(mailing=mailing, user=user)
    assert final.is_final and final.piece_count == 2 and final.donor_count == 3
    assert final.sent_on == datetime.date(2026, 6, 15)
    taro_notes = Interaction.objects.filter(donor=readers["taro"], kind=Interaction.Kind.POST)
    assert [n.summary for n in taro_notes] == ["Activity report: 春の報告書"]
    assert Interaction.objects.filter(kind="post", summary__contains="春の報告書").count() == 3
    # A donor joining the segment afterwards does not change what was counted and printed.
    late = DonorFactory(address_line="松濤5-5")
    late.tags.add("報告書")
    assert len(mailing_pieces(final)) == 2
    with pytest.raises(MailingError):
        mailing_finalise(mailing=final)


def test_finalise_refuses_an_empty_mailing(db):
    segment = Segment.objects.create(
        name="Nobody",
        slug="nobody",
        rules=[{"type": "rule", "value": {"field": "tag", "operator": "has_any", "value": "none"}}],
    )
    with pytest.raises(MailingError):
        mailing_finalise(mailing=Mailing.objects.create(title="x", segment=segment))
    assert not Mailing.objects.filter(status="final").exists()


def test_print_shop_csv_has_bom_and_the_mailing_house_columns(readers):
    mailing = mailing_finalise(mailing=Mailing.objects.create(title="Report", segment=readers["segment"]))
    data = print_shop_csv(mailing.pieces.all())
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == PRINT_SHOP_COLUMNS == ["郵便番号", "住所1", "住所2", "住所3", "会社名", "部署", "氏名"]
    by_name = {row[6]: row for row in rows[1:]}
    assert by_name["山田太郎様・花子様"][:4] == ["150-0001", "東京都渋谷区", "神宮前1丁目2番3号", "ハイツ101"]
    assert by_name["佐藤健太様"][4:6] == ["株式会社ウェルジー", "人事部"]


def test_a_company_without_a_named_person_gets_onchu():
    company = PartnerCompanyFactory(name="株式会社テスト")
    donor = DonorFactory(family_name="", given_name="", company=company, address_line="丸の内1-1")
    mailing = Mailing.objects.create(title="x")
    mailing.picked_donors.add(donor)
    assert [p.addressee for p in mailing_pieces(mailing)] == ["株式会社テスト 御中"]


@pytest.mark.parametrize("per_sheet", [12, 24])
def test_label_pdf_prints_postal_code_address_and_name(readers, per_sheet):
    extra = [DonorFactory(address_line=f"恵比寿{n}-1-1") for n in range(per_sheet)]
    mailing = Mailing.objects.create(title="Report", segment=readers["segment"])
    mailing.picked_donors.add(*extra)
    mailing = mailing_finalise(mailing=mailing)
    data = labels_pdf(list(mailing.pieces.all()), per_sheet=per_sheet)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2  # per_sheet + 2 pieces do not fit one sheet
    text = pdf_text(data)
    assert "〒150-0001" in text
    assert "東京都渋谷区" in text
    assert "山田太郎様・花子様" in text
    assert "株式会社ウェルジー" in text
    # Japanese order on a label: postal code, then address, then the name.
    first = reader.pages[0].extract_text()
    assert first.index("〒150-0001") < first.index("東京都渋谷区") < first.index("山田太郎様・花子様")


def test_letters_merge_the_name_in_each_language(readers):
    readers["sato"].preferred_language = Donor.Language.EN
    readers["sato"].save()
    mailing = Mailing.objects.create(
        title="お礼状",
        kind=Mailing.Kind.LETTER,
        segment=readers["segment"],
        letter_body_ja="{name}様、いつもご支援ありがとうございます。",
        letter_body_en="Thank you, {name}, for standing with refugees in Japan.",
    )
    mailing = mailing_finalise(mailing=mailing)
    data = letters_pdf(mailing, list(mailing.pieces.all()), day=datetime.date(2026, 6, 15))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    texts = [page.extract_text().replace("\n", "") for page in reader.pages]
    assert any(
        "山田太郎・花子様、いつもご支援ありがとうございます。" in t and "2026年6月15日" in t for t in texts
    )
    assert any("Thank you, 佐藤健太, for standing with refugees in Japan." in t for t in texts)


def test_returned_mail_paste_matches_codes_emails_and_names(readers):
    taro, sato = readers["taro"], readers["sato"]
    lines = returned_mail_match_paste(text=f"#{taro.pk}\n{sato.email.upper()}\n佐藤 健太\n誰でもない人\n")
    assert [line.donor for line in lines] == [taro, sato, sato, None]
    assert returned_mail_mark(donors=[taro]) == 1
    assert returned_mail_mark(donors=[taro]) == 0  # already marked for this address
    mailing = Mailing.objects.create(title="Report", segment=readers["segment"])
    assert [p.addressee for p in mailing_pieces(mailing) if "山田" in p.addressee] == ["山田花子様"]
    assert Interaction.objects.filter(donor=taro, summary__startswith="Mail came back").count() == 1


def test_erased_donors_are_never_posted(readers):
    mailing = Mailing.objects.create(title="Report")
    erased = DonorFactory(address_line="原宿1-1")
    Donor.objects.filter(pk=erased.pk).update(erased_at=timezone.now())
    mailing.picked_donors.add(erased)
    plan = mailing_plan(mailing)
    assert plan.piece_count == 0 and len(plan.excluded[Exclusion.ERASED]) == 1


def test_erasure_takes_the_address_out_of_mailings(readers, django_user_model):
    from crm.donors.services.privacy import donor_erase
    from crm.models import MailingPiece, ReturnedMail

    mailing = mailing_finalise(mailing=Mailing.objects.create(title="Report", segment=readers["segment"]))
    staff = django_user_model.objects.create_superuser(username="dpo", password="x", email="dpo@x.org")
    donor_erase(donor=readers["hanako"], user=staff)
    donor_erase(donor=readers["sato"], user=staff)
    donor_erase(donor=readers["returned"], user=staff)
    addressees = set(MailingPiece.objects.filter(mailing=mailing).values_list("addressee", flat=True))
    assert addressees == {"山田太郎様", "—"}
    alone = MailingPiece.objects.get(mailing=mailing, addressee="—")
    assert (alone.postal_code, alone.address1, alone.address2, alone.company) == ("", "", "", "")
    assert not ReturnedMail.objects.filter(donor=readers["returned"]).exists()
