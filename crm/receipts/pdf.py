"""Receipts, annual statements and thank-you letters as PDF, drawn with ReportLab.

One face (IPAex Mincho, the formal face of Japanese receipts) for every line, subset and embedded
in each document. Cutting, compressing and describing that subset was most of the time a page
costs, and the annual run draws 100,000 of them (bench/bench_receipts_annual.py): the characters
every statement of a language shares are given their codes first, in a fixed order, so their subset
is the same document after document and its PDF objects are made once per process (pdf_objects);
the donor's name, the one line that differs, is set in a second subset of its own.

Texts printed on documents follow the receipt's language, not the admin's: they are document
wording (like a letterhead), kept here in both languages; the NPO's own texts come from
ReceiptSettings.
"""

from __future__ import annotations

import copy
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from reportlab import rl_config
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from crm.receipts.pdf_objects import image_objects, receipt_fonts

LABELS = {
    "ja": {
        "gift": "領収書",
        "annual": "年間寄付金領収書",
        "number": "No.",
        "issued": "発行日",
        "received": "ご寄付の日",
        "period": "対象期間",
        "purpose_prefix": "但し、",
        "received_with_thanks": "上記の金額を正に領収いたしました。",
        "reissued": "再発行",
        "void": "取消",
        "voided_note": "この領収書は取り消されました。",
        "date_col": "日付",
        "amount_col": "金額",
        "purpose_col": "但し書き",
        "total": "合計",
        "honorific_person": "様",
        "honorific_company": "御中",
    },
    "en": {
        "gift": "Receipt",
        "annual": "Annual Statement of Gifts",
        "number": "No.",
        "issued": "Date of issue",
        "received": "Date of gift",
        "period": "Period",
        "purpose_prefix": "For: ",
        "received_with_thanks": "Received with thanks the amount above.",
        "reissued": "REISSUED",
        "void": "VOID",
        "voided_note": "This receipt has been voided.",
        "date_col": "Date",
        "amount_col": "Amount",
        "purpose_col": "For",
        "total": "Total",
        "honorific_person": "",
        "honorific_company": "",
    },
}

RED = Color(0.75, 0.1, 0.1)

# Binary (not ASCII85) streams: a third smaller, and encoding them was a tenth of the time a page
# takes. Email attachments are base64-encoded anyway.
rl_config.useA85 = 0


def format_date(value: datetime.date, language: str) -> str:
    if language == "en":
        return value.strftime("%-d %B %Y")
    return f"{value.year}年{value.month}月{value.day}日"


def format_amount(amount: int, currency: str, language: str) -> str:
    """¥ and 円 the Japanese way (￥120,000円); other currencies as 1,000 USD."""
    if currency != "JPY":
        return f"{amount:,} {currency}"
    return f"¥{amount:,} (JPY)" if language == "en" else f"￥{amount:,}円"


def addressee(name: str, *, to_company: bool, language: str) -> str:
    """The name as printed: 山田 太郎 様; joint names each with 様 (山田 太郎 様・花子 様); 株式会社○○ 御中."""
    labels = LABELS["en" if language == "en" else "ja"]
    if to_company:
        return f"{name} {labels['honorific_company']}".strip()
    names = [n.strip() for n in name.split("・") if n.strip()] or [name]
    if language == "en":
        return " and ".join(names)
    return "・".join(f"{n} {labels['honorific_person']}" for n in names)


@dataclass(frozen=True, kw_only=True)
class Issuer:
    """The NPO as the settings describe it, in one language."""

    name: str
    address: str
    representative: str
    note: str
    purpose_gift: str
    purpose_monthly: str
    purpose_yearly: str
    seal: ImageReader | None

    def purpose(self, purpose: str) -> str:
        """The 但し書き of a receipt's purpose (gift, monthly, yearly)."""
        return {"monthly": self.purpose_monthly, "yearly": self.purpose_yearly}.get(
            purpose, self.purpose_gift
        )


def issuer_from_settings(settings, language: str) -> Issuer:
    return Issuer(
        name=settings.text("organisation_name", language),
        address=settings.text("address", language),
        representative=settings.text("representative", language),
        note=settings.text("note", language),
        purpose_gift=settings.text("purpose_gift", language),
        purpose_monthly=settings.text("purpose_monthly", language),
        purpose_yearly=settings.text("purpose_yearly", language),
        seal=_seal_reader(settings.seal_id, settings.seal.file.name) if settings.seal_id else None,
    )


@lru_cache(maxsize=4)
def _seal_reader(image_id: int, file_name: str) -> ImageReader:
    """The seal, shrunk and read once per process (keyed by the file, so a new upload is seen)."""
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    image = get_image_model().objects.get(pk=image_id)
    with image.open_file() as f:
        picture = PILImage.open(f)
        picture.load()
    picture.thumbnail((240, 240))
    if picture.mode not in ("RGB", "RGBA"):
        picture = picture.convert("RGBA")
    return ImageReader(picture)


#: Printable ASCII, all of which an English page may use (month names, labels, the NPO's texts).
_ASCII = "".join(map(chr, range(32, 127)))


def _shared_text(receipt, issuer: Issuer, language: str) -> str:
    """Every character a receipt's page may set in the shared face, each once, in a fixed order.

    Digits, dates and amounts vary, so all the characters they can use are listed, whichever a page
    uses; the subset is then the same for every statement of a language and kind. A Japanese page
    lists the few ASCII characters it uses rather than all of them (ReportLab's default embeds all
    printable ASCII, a quarter of a statement's bytes).
    """
    labels = LABELS[language]
    keys = ["number", "issued", "gift" if receipt.kind == "gift" else "annual", "purpose_prefix"]
    keys += ["received_with_thanks", "received", "period", "date_col", "amount_col", "purpose_col", "total"]
    if receipt.reissue_count:
        keys.append("reissued")
    if receipt.status == "voided":
        keys += ["void", "voided_note"]
    # Numbers, dates (format_date), amounts (format_amount), the period's dash, 【】 around 再発行.
    texts = [_ASCII + "¥–"] if language == "en" else ["0123456789 ,.:-年月日￥円–【】"]
    texts += [labels[k] for k in keys]
    texts += [issuer.name, issuer.address, issuer.representative, issuer.note]
    texts += [issuer.purpose_gift, issuer.purpose_monthly, issuer.purpose_yearly]
    texts.append(receipt.number)  # its series letter (A, R): digits and dash are listed already
    if receipt.currency != "JPY":
        texts.append(receipt.currency)
    return "".join(dict.fromkeys("".join(texts)))


class ReceiptDocument:
    """Draws receipts onto pages of one PDF: one for a download or an email, many for a print batch."""

    width, height = A4

    def __init__(self, *, settings, title: str = "") -> None:
        self.font, self.names_font = receipt_fonts()
        self.settings = settings
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, pageCompression=1, invariant=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(settings.organisation_name_ja)
        self._issuers: dict[str, Issuer] = {}
        self._shared: frozenset[str] | None = None

    def issuer(self, language: str) -> Issuer:
        if language not in self._issuers:
            self._issuers[language] = issuer_from_settings(self.settings, language)
        return self._issuers[language]

    def finish(self) -> bytes:
        self.canvas.save()
        return self.buffer.getvalue()

    def _fix_codes(self, text: str) -> None:
        """Give the shared face's codes to these characters first, in this order (once a document)."""
        if self._shared is None:
            pdfmetrics.getFont(self.font).splitString(text, self.canvas._doc)
            self._shared = frozenset(text)

    def _name_font(self, text: str) -> str:
        """The shared face if it has every character of the text already, else the names' face."""
        shared = self._shared or frozenset()
        return self.font if shared.issuperset(text) else self.names_font

    # --- one receipt a page -----------------------------------------------------------------------

    def add_receipt(self, receipt) -> None:
        language = "en" if receipt.language == "en" else "ja"
        labels = LABELS[language]
        issuer = self.issuer(language)
        self._fix_codes(_shared_text(receipt, issuer, language))
        c = self.canvas
        w, h = self.width, self.height
        left, right = 56, w - 56

        c.setFillColor(black)
        c.setFont(self.font, 10)
        c.drawRightString(right, h - 60, f"{labels['number']} {receipt.number}")
        c.drawRightString(right, h - 76, f"{labels['issued']}: {format_date(receipt.issued_on, language)}")

        title = labels["annual"] if receipt.kind == "annual" else labels["gift"]
        c.setFont(self.font, 26)
        c.drawCentredString(w / 2, h - 130, title)
        if receipt.reissue_count:
            c.setFillColor(RED)
            c.setFont(self.font, 14)
            c.drawString(
                w / 2 + c.stringWidth(title, self.font, 26) / 2 + 12, h - 128, f"【{labels['reissued']}】"
            )
            c.setFillColor(black)

        # Made out to, underlined the way a Japanese receipt is.
        name = addressee(receipt.recipient_name, to_company=receipt.to_company, language=language)
        name_font = self._name_font(name)
        c.setFont(name_font, 18)
        c.drawString(left, h - 200, name)
        c.setLineWidth(0.8)
        c.line(left, h - 206, left + max(260, c.stringWidth(name, name_font, 18) + 20), h - 206)

        # The amount in a box.
        c.setLineWidth(1.2)
        c.rect(left + 40, h - 290, w - 2 * left - 80, 54)
        c.setFont(self.font, 26)
        c.drawCentredString(w / 2, h - 272, format_amount(receipt.amount, receipt.currency, language))

        purpose = issuer.purpose(receipt.purpose)
        c.setFont(self.font, 12)
        c.drawString(left + 40, h - 320, f"{labels['purpose_prefix']}{purpose}")
        c.drawString(left + 40, h - 340, labels["received_with_thanks"])
        y = h - 370
        if receipt.kind == "gift" and receipt.received_on:
            c.drawString(left + 40, y, f"{labels['received']}: {format_date(receipt.received_on, language)}")
            y -= 30
        else:
            start = datetime.date(receipt.year, 1, 1)
            end = datetime.date(receipt.year, 12, 31)
            c.drawString(
                left + 40,
                y,
                f"{labels['period']}: {format_date(start, language)} – {format_date(end, language)}",
            )
            y -= 30
            y = self._gift_table(receipt, language, issuer, left + 40, y)

        self._issuer_block(issuer, language, y=min(y - 20, 250))

        # The tax note the seed's FAQ requires: not a certified NPO, no deduction.
        c.setFont(self.font, 9)
        lines = simpleSplit(issuer.note, self.font, 9, right - left)
        ny = 90
        for line in lines:
            c.drawString(left, ny, line)
            ny -= 13

        if receipt.status == "voided":
            self._void_mark(labels)
        c.showPage()

    def _gift_table(self, receipt, language: str, issuer: Issuer, x: float, y: float) -> float:
        c = self.canvas
        labels = LABELS[language]
        c.setFont(self.font, 10)
        cols = (x, x + 160, x + 280)
        c.drawString(cols[0], y, labels["date_col"])
        c.drawRightString(cols[1] + 60, y, labels["amount_col"])
        c.drawString(cols[2], y, labels["purpose_col"])
        c.line(x, y - 4, x + 420, y - 4)
        y -= 18
        lines = receipt.lines or []
        # A page holds about 20 rows above the issuer block; longer years are summed by month.
        rows = lines if len(lines) <= 20 else _by_month(lines)
        for day, amount, purpose in rows:
            when = (
                day
                if isinstance(day, str) and len(day) == 7
                else format_date(datetime.date.fromisoformat(day), language)
            )
            c.drawString(cols[0], y, when)
            c.drawRightString(cols[1] + 60, y, format_amount(amount, receipt.currency, language))
            c.drawString(cols[2], y, issuer.purpose(purpose))
            y -= 15
        c.line(x, y + 10, x + 420, y + 10)
        c.drawString(cols[0], y - 4, labels["total"])
        c.drawRightString(cols[1] + 60, y - 4, format_amount(receipt.amount, receipt.currency, language))
        return y - 20

    def _issuer_block(self, issuer: Issuer, language: str, *, y: float) -> None:
        c = self.canvas
        x = self.width / 2 + 10
        c.setFont(self.font, 12)
        c.drawString(x, y, issuer.name)
        c.setFont(self.font, 10)
        yy = y - 16
        for line in issuer.address.splitlines():
            c.drawString(x, yy, line)
            yy -= 14
        c.drawString(x, yy, issuer.representative)
        if issuer.seal is not None:
            self._draw_image(issuer.seal, self.width - 56 - 60, yy - 20, size=60)

    def _draw_image(self, image: ImageReader, x: float, y: float, *, size: float) -> None:
        """canvas.drawImage(image, x, y, size, size, mask="auto"), the image's PDF objects made once.

        drawImage compresses the image and its transparency again for every document: with the seal,
        more time than the rest of a statement's page. Its objects are copied from ones kept for the
        process; the page draws them as drawImage would.
        """
        c = self.canvas
        doc = c._doc
        name, kept = image_objects(image)
        registered = doc.getXObjectName(name)
        if registered not in doc.idToObject:
            xobject = copy.copy(kept)
            c._setXObjects(xobject)
            doc.Reference(xobject, registered)
            doc.addForm(name, xobject)
            mask = getattr(kept, "_smask", None)
            if mask is not None:
                del xobject._smask
                mask = copy.copy(mask)
                mask_name = doc.getXObjectName(mask.name)
                if mask_name in doc.idToObject:
                    xobject.smask = pdfdoc.PDFObjectReference(mask_name)
                else:
                    c._setXObjects(mask)
                    xobject.smask = doc.Reference(mask, mask_name)
        c._currentPageHasImages = 1
        c.saveState()
        c.translate(x, y)
        c.scale(size, size)
        c.doForm(name)  # draws the XObject and lists it in the page's resources
        c.restoreState()

    def _void_mark(self, labels: dict[str, str]) -> None:
        c = self.canvas
        c.saveState()
        c.setFillColor(RED)
        c.setStrokeColor(RED)
        c.translate(self.width / 2, self.height / 2)
        c.rotate(30)
        c.setFont(self.font, 96)
        c.drawCentredString(0, -30, labels["void"])
        c.setFont(self.font, 14)
        c.drawCentredString(0, -70, labels["voided_note"])
        c.restoreState()

    # --- letters ----------------------------------------------------------------------------------

    def add_letter(
        self, *, name: str, to_company: bool, language: str, body: str, date: datetime.date
    ) -> None:
        language = "en" if language == "en" else "ja"
        issuer = self.issuer(language)
        c = self.canvas
        w, h = self.width, self.height
        left, right = 70, w - 70
        c.setFont(self.font, 11)
        c.drawRightString(right, h - 70, format_date(date, language))
        c.setFont(self.font, 14)
        greeting = addressee(name, to_company=to_company, language=language)
        c.drawString(left, h - 120, f"Dear {greeting}," if language == "en" else greeting)
        c.setFont(self.font, 11)
        y = h - 170
        for paragraph in body.splitlines():
            for line in simpleSplit(paragraph, self.font, 11, right - left) or [""]:
                c.drawString(left, y, line)
                y -= 18
        self._issuer_block(issuer, language, y=min(y - 40, 220))
        c.showPage()


def _by_month(lines: Sequence) -> list[tuple[str, int, str]]:
    months: dict[str, list] = {}
    for day, amount, purpose in lines:
        month = day[:7]
        entry = months.setdefault(month, [month, 0, purpose])
        entry[1] += amount
    return [tuple(v) for v in months.values()]


def receipts_pdf(receipts: Iterable, *, settings, title: str = "") -> bytes:
    """One PDF with a page per receipt, in the order given."""
    document = ReceiptDocument(settings=settings, title=title)
    for receipt in receipts:
        document.add_receipt(receipt)
    return document.finish()
