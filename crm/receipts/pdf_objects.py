"""The PDF objects every receipt document of a process shares: the receipt face's subsets and the
seal's image. Made once, copied into each document (crm.receipts.pdf draws the pages).

The annual run draws 100,000 statements (bench/bench_receipts_annual.py): cutting, compressing and
describing the font subset was about two thirds of a statement's PDF time, and drawing the seal
with canvas.drawImage about 2 ms more. Both rely on ReportLab's internals (a subset's state per
document, the image's soft mask); tests/crm/receipts/test_pdf.py checks the output against
ReportLab's own, so an upgrade that changes them fails there.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from weakref import WeakKeyDictionary

from reportlab.lib.utils import ImageReader, _digester
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN, TTFont, makeToUnicodeCMap

from crm.documents.fonts import register_japanese_fonts


class SubsetFont(TTFont):
    """The receipt face under a name of its own, whose subsets' PDF objects can be kept and reused.

    ReportLab cuts each subset out of the font file, compresses it and writes its widths and
    ToUnicode map again for every document: about two thirds of the time a statement's PDF took.
    Those objects depend only on the subset's characters in their order (and the subset's tag), so
    when the characters come in the same order (ReceiptDocument._fix_codes) the objects one
    statement made serve the next: ``cache_size`` of them are kept.
    """

    def __init__(self, base: TTFont, *, name: str, tag: int, cache_size: int) -> None:
        # The registered font's parsed file is shared, not read again. ReportLab registers one font
        # per face name, so the face (a shallow copy: the same tables) is registered under another
        # name; the PDF still names the font by its own PostScript name.
        self.__dict__.update(base.__dict__)
        self.face = copy.copy(base.face)
        self.face.name = base.face.name + name.encode()
        self.fontName = name
        self.state = WeakKeyDictionary()
        # Characters get codes as they come (ReportLab would reserve codes for all printable ASCII
        # and embed it whether used or not).
        self._asciiReadable = 0
        self._postscript_name = (base.face.name + base.face.subfontNameX).decode("pdfdoc")
        # The subset tag (AAAAAA+, BAAAAA+, ...) keeps two fonts of one face apart in a document.
        self._tag = tag
        self._subset_objects = lru_cache(maxsize=cache_size)(self._make_subset_objects)

    def _make_subset_objects(
        self, base_name: str, subset: tuple[int, ...], compress: bool
    ) -> tuple[bytes, str | bytes, bytes, int]:
        """(widths, ToUnicode map, font file, font file's length uncompressed), ready to write."""
        codes = list(subset)
        widths = pdfdoc.format(pdfdoc.PDFArray([self.face.getCharWidth(c) for c in codes]), None)
        cmap = makeToUnicodeCMap(base_name, codes)
        font_file = self.face.makeSubset(codes)
        length = len(font_file)
        if compress:
            cmap = pdfdoc.PDFZCompress.encode(cmap)
            font_file = pdfdoc.PDFZCompress.encode(font_file)
        return widths, cmap, font_file, length

    def addObjects(self, doc) -> None:
        """As TTFont.addObjects (one PDF font a subset of up to 256 characters), from the kept objects."""
        state = self.state[doc]
        state.frozen = 1
        face = self.face
        fonts = doc.idToObject["BasicFonts"].dict
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_name = f"{SUBSETN(self._tag + n).decode()}+{self._postscript_name}"
            widths, cmap, font_file, length = self._subset_objects(
                base_name, tuple(subset), bool(doc.compression)
            )

            font_stream = _stream(font_file, compressed=bool(doc.compression))
            font_stream.dictionary["Length1"] = length
            font_file_ref = doc.Reference(font_stream, f"fontFile:{face.filename}({base_name})")
            descriptor = pdfdoc.PDFDictionary(
                {
                    "Type": "/FontDescriptor",
                    "Ascent": face.ascent,
                    "CapHeight": face.capHeight,
                    "Descent": face.descent,
                    "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                    "FontBBox": pdfdoc.PDFArray(face.bbox),
                    "FontName": pdfdoc.PDFName(base_name),
                    "ItalicAngle": face.italicAngle,
                    "StemV": face.stemV,
                    "FontFile2": font_file_ref,
                    "MissingWidth": face.defaultWidth,
                }
            )

            font = pdfdoc.PDFTrueTypeFont()
            font.Name = internal_name
            font.BaseFont = base_name
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = widths  # bytes are written as they are
            font.ToUnicode = doc.Reference(
                _stream(cmap, compressed=bool(doc.compression)), "toUnicodeCMap:" + base_name
            )
            font.FontDescriptor = doc.Reference(descriptor, "fontDescriptor:" + base_name)
            doc.Reference(font, internal_name)
            fonts[internal_name] = font
        del self.state[doc]


def _stream(content: str | bytes, *, compressed: bool) -> pdfdoc.PDFStream:
    """A stream of content compressed already (a Filter named means ReportLab applies none)."""
    stream = pdfdoc.PDFStream(content=content)
    if compressed:
        stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName(pdfdoc.PDFZCompress.pdfname)])
    return stream


@lru_cache(maxsize=4)
def image_objects(image: ImageReader) -> tuple[str, pdfdoc.PDFImageXObject]:
    """An image's XObject (and soft mask) as canvas.drawImage(mask="auto") makes and names them."""
    data = image.getRGBData()  # reads the transparency too
    alpha = image._dataA
    name = _digester(data + (alpha.getRGBData() if alpha else b"auto"))
    xobject = pdfdoc.PDFImageXObject(name, image, mask="auto")
    xobject.name = name
    return name, xobject


@lru_cache(maxsize=1)
def receipt_fonts() -> tuple[str, str]:
    """The faces documents use, registered once per process: (shared text, names).

    Both are IPAex Mincho. The first sets everything but the addressee and keeps the objects of a
    few subsets (a statement's shared characters, per language and kind); the second sets the
    addressee's name, different in every document, and keeps nothing.

    ReportLab subsets the font for each document and, doing so, copies whole tables out of the
    font file each time (IPAex Mincho's glyph table is megabytes): the tables never change, so the
    face keeps the copies it made.
    """
    mincho, _gothic = register_japanese_fonts()
    base = pdfmetrics.getFont(mincho)
    base.face.get_table = lru_cache(maxsize=32)(base.face.get_table)
    shared = SubsetFont(base, name=f"{mincho}-Receipts", tag=0, cache_size=16)
    names = SubsetFont(base, name=f"{mincho}-Names", tag=100_000, cache_size=0)
    pdfmetrics.registerFont(shared)
    pdfmetrics.registerFont(names)
    return shared.fontName, names.fontName
