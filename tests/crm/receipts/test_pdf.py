"""The statement PDF's kept parts: the shared font subset and the seal are made once per process,
and every document still carries (and shows) its own text, name and seal."""

import dataclasses
import datetime
import io
import re

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.lib.utils import ImageReader

from crm.factories import DonorFactory
from crm.models import Receipt, ReceiptSettings
from crm.receipts import pdf
from tests.crm.receipts.helpers import pdf_pages

pytestmark = pytest.mark.django_db


def _statement(donor, number: str, lines: list, language: str = "ja") -> Receipt:
    return Receipt(
        kind="annual",
        number=number,
        donor=donor,
        year=2025,
        amount=sum(line[1] for line in lines),
        currency="JPY",
        purpose="gift",
        lines=lines,
        issued_on=datetime.date(2026, 1, 15),
        recipient_name=donor.display_name,
        language=language,
        delivery="email",
    )


def _font_files(data: bytes) -> dict[bytes, bytes]:
    """Each embedded font's subset tag (AAAAAA, BAAAAA) and its FontFile2 stream as written."""
    streams = {
        m.group(1): m.group(2)
        for m in re.finditer(
            rb"(\d+) 0 obj\n<<\n/Filter \[ /FlateDecode \] /Length \d+ /Length1 \d+\n>>\nstream\n(.*?)endstream",
            data,
            re.S,
        )
    }
    files = {}
    for m in re.finditer(rb"/FontFile2 (\d+) 0 R.*?/FontName /(\w+)\+", data, re.S):
        files[m.group(2)] = streams[m.group(1)]
    return files


def test_statements_share_their_font_subset_and_each_shows_its_own_name():
    settings = ReceiptSettings.load()
    first = _statement(
        DonorFactory(family_name="山田", given_name="太郎"), "A2025-000001", [["2025-04-05", 10000, "gift"]]
    )
    second = _statement(
        DonorFactory(family_name="鈴木", given_name="花子"),
        "A2025-000002",
        [["2025-06-05", 3000, "monthly"], ["2025-07-05", 3000, "monthly"]],
    )
    one = pdf.receipts_pdf([first], settings=settings)
    two = pdf.receipts_pdf([second], settings=settings)
    for data, name, amount in ((one, "山田 太郎 様", "￥10,000円"), (two, "鈴木 花子 様", "￥6,000円")):
        text = pdf_pages(data)[0]
        for expected in (name, amount, "年間寄付金領収書", "特定非営利活動法人 WELgee", "寄附金控除"):
            assert expected in text, expected
    fonts_one, fonts_two = _font_files(one), _font_files(two)
    # The shared face's subset is the same bytes (made once); the names are each document's own.
    assert fonts_one[b"AAAAAA"] == fonts_two[b"AAAAAA"]
    assert fonts_one[b"BAAAAA"] != fonts_two[b"BAAAAA"]


def test_a_name_in_characters_the_page_has_already_needs_no_second_font():
    settings = ReceiptSettings.load()
    english = _statement(
        DonorFactory(family_name="Brown", given_name="Lee", preferred_language="en"),
        "A2025-000003",
        [["2025-04-05", 5000, "gift"]],
        language="en",
    )
    english.recipient_name = "Lee Brown"
    data = pdf.receipts_pdf([english], settings=settings)
    assert "Lee Brown" in pdf_pages(data)[0]
    assert list(_font_files(data)) == [b"AAAAAA"]


def test_the_seal_is_drawn_on_every_page_as_drawimage_would_draw_it(monkeypatch):
    settings = ReceiptSettings.load()
    picture = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    ImageDraw.Draw(picture).ellipse((5, 5, 115, 115), outline=(200, 30, 30, 255), width=8)
    seal = ImageReader(picture)
    with_seal = dataclasses.replace(pdf.issuer_from_settings(settings, "ja"), seal=seal)
    monkeypatch.setattr(pdf, "issuer_from_settings", lambda _settings, _language: with_seal)
    statements = [
        _statement(
            DonorFactory(family_name="山田", given_name=f"太郎{i}"),
            f"A2025-00001{i}",
            [["2025-04-05", 1000, "gift"]],
        )
        for i in range(3)
    ]
    ours = pdf.receipts_pdf(statements, settings=settings)
    again = pdf.receipts_pdf(statements, settings=settings)  # the kept image objects, copied again
    monkeypatch.setattr(
        pdf.ReceiptDocument,
        "_draw_image",
        lambda self, image, x, y, *, size: self.canvas.drawImage(
            image, x, y, width=size, height=size, mask="auto"
        ),
    )
    reportlabs = pdf.receipts_pdf(statements, settings=settings)
    assert ours == again == reportlabs
    pages = PdfReader(io.BytesIO(ours)).pages
    assert all(len(page["/Resources"]["/XObject"]) == 1 for page in pages)
    assert ours.count(b"/Subtype /Image") == 2  # the image and its transparency, once for all pages
