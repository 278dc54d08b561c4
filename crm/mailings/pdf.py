"""Address labels and mail-merged letters as PDF (ReportLab, the receipts' IPAex fonts).

Labels follow the common A4 sheets: 12 labels (2 × 6, 86.4 × 42.3 mm) and 24 labels (3 × 8,
64.4 × 33.9 mm). Each label reads in Japanese order, top to bottom: 〒 postal code, address, company,
department, and the name with 様 in a larger size. Lines too wide for the label are set smaller
instead of being cut off.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from crm.documents.fonts import register_japanese_fonts
from crm.mailings.models import Mailing, MailingPiece


@dataclass(frozen=True)
class LabelSheet:
    columns: int
    rows: int
    width: float
    height: float
    left: float
    top: float
    column_gap: float = 0
    row_gap: float = 0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


LABEL_SHEETS = {
    12: LabelSheet(columns=2, rows=6, width=86.4 * mm, height=42.3 * mm, left=18.6 * mm, top=21.6 * mm),
    24: LabelSheet(columns=3, rows=8, width=64.4 * mm, height=33.9 * mm, left=8.4 * mm, top=12.9 * mm),
}


def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest size up to `size` at which `text` fits `width`."""
    needed = stringWidth(text, font, size)
    return size if needed <= width else max(5.0, size * width / needed)


def label_lines(piece: MailingPiece) -> list[str]:
    lines = [
        f"〒{piece.postal_code}",
        piece.address1,
        piece.address2,
        piece.address3,
        piece.company,
        piece.department,
    ]
    return [line for line in lines if line]


def labels_pdf(pieces: Sequence[MailingPiece], *, per_sheet: int = 12) -> bytes:
    """A4 sheets of address labels, one piece per label."""
    sheet = LABEL_SHEETS[per_sheet]
    mincho, gothic = register_japanese_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle("Address labels")
    page_height = A4[1]
    padding = 4 * mm
    base = 10.0 if per_sheet == 12 else 8.0
    for index, piece in enumerate(pieces):
        if index and index % sheet.per_page == 0:
            pdf.showPage()
        slot = index % sheet.per_page
        column, row = slot % sheet.columns, slot // sheet.columns
        x = sheet.left + column * (sheet.width + sheet.column_gap) + padding
        top = page_height - sheet.top - row * (sheet.height + sheet.row_gap) - padding
        inner = sheet.width - 2 * padding
        y = top - base
        for line in label_lines(piece):
            size = _fit(line, gothic, base, inner)
            pdf.setFont(gothic, size)
            pdf.drawString(x, y, line)
            y -= base * 1.25
        name_size = base * 1.35
        name = piece.addressee
        size = _fit(name, mincho, name_size, inner)
        pdf.setFont(mincho, size)
        pdf.drawString(x + max(0.0, (inner - stringWidth(name, mincho, size)) / 2), y - name_size * 0.3, name)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _letter_date(day: datetime.date, language: str) -> str:
    if language == "en":
        return day.strftime("%-d %B %Y")
    return f"{day.year}年{day.month}月{day.day}日"


def letters_pdf(mailing: Mailing, pieces: Sequence[MailingPiece], *, day: datetime.date) -> bytes:
    """The letter merged with each addressee's name: one A4 page (or more) per piece, in one PDF."""
    mincho, gothic = register_japanese_fonts()
    body_style = ParagraphStyle("body", fontName=mincho, fontSize=10.5, leading=18, wordWrap="CJK")
    address_style = ParagraphStyle("address", fontName=gothic, fontSize=9.5, leading=13, wordWrap="CJK")
    name_style = ParagraphStyle("name", parent=body_style, fontSize=12, leading=20, spaceBefore=4)
    date_style = ParagraphStyle("date", parent=body_style, alignment=2)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=20 * mm, bottomMargin=20 * mm,
        title=mailing.title,
    )  # fmt: skip
    story: list = []
    for index, piece in enumerate(pieces):
        if index:
            story.append(PageBreak())
        english = piece.language == "en" and bool(mailing.letter_body_en.strip())
        language = "en" if english else "ja"
        template = mailing.letter_body_en if english else mailing.letter_body_ja
        for line in label_lines(piece):
            story.append(Paragraph(escape(line), address_style))
        story.append(Paragraph(escape(piece.addressee), name_style))
        story.append(Spacer(1, 10 * mm))
        story.append(Paragraph(escape(_letter_date(day, language)), date_style))
        story.append(Spacer(1, 6 * mm))
        name = piece.greeting_name or piece.addressee
        greeting = f"Dear {name}," if language == "en" else f"{name}様"
        story.append(Paragraph(escape(greeting), body_style))
        story.append(Spacer(1, 4 * mm))
        text = template.replace("{name}", name)
        for paragraph in text.split("\n\n"):
            story.append(Paragraph(escape(paragraph).replace("\n", "<br/>"), body_style))
            story.append(Spacer(1, 3 * mm))
    doc.build(story)
    return buffer.getvalue()
