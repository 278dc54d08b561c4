"""Reading the PDFs back: text and where it sits, with pypdf."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_positions(data: bytes, page: int = 0) -> dict[str, tuple[float, float]]:
    """Each text run's first position (x, y from the bottom left) on a page."""
    found: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, font, size):
        text = text.strip()
        if text and text not in found:
            found[text] = (tm[4], tm[5])

    PdfReader(io.BytesIO(data)).pages[page].extract_text(visitor_text=visit)
    return found
