"""Japanese fonts for every PDF the CRM prints (receipts, annual statements, address labels, letters).

ReportLab draws our PDFs because the annual statement run must write 100,000 documents in minutes;
an HTML-to-PDF renderer (WeasyPrint) spends tens of milliseconds a page, an hour for that run.
ReportLab embeds TrueType outlines only, so the fonts are IPAex Mincho and Gothic from Debian's
``fonts-ipaexfont-mincho`` / ``fonts-ipaexfont-gothic`` (TrueType, subset-embedded): Noto CJK ships
CFF outlines, which ReportLab refuses. Nothing is downloaded at run time: the Dockerfile, ``make run``
and CI install the packages.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

#: ReportLab names of the two faces: Mincho for names and amounts (formal documents), Gothic for labels.
MINCHO = "IPAexMincho"
GOTHIC = "IPAexGothic"

_FILES = {MINCHO: "ipaexm.ttf", GOTHIC: "ipaexg.ttf"}
_DEFAULT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/ipaexfont-mincho",
    "/usr/share/fonts/opentype/ipaexfont-gothic",
    "/usr/share/fonts/truetype/ipaexfont-mincho",
    "/usr/share/fonts/truetype/ipaexfont-gothic",
    "/usr/share/fonts/truetype",
)


def font_path(filename: str) -> Path:
    """The installed file of one font, from Debian's usual places."""
    for directory in _DEFAULT_DIRS:
        candidate = Path(directory) / filename
        if candidate.is_file():
            return candidate
    raise ImproperlyConfigured(
        f"Japanese font {filename} not found in {_DEFAULT_DIRS}: install Debian's fonts-ipaexfont-mincho "
        "and fonts-ipaexfont-gothic (make run, the Dockerfile and CI do)."
    )


@cache
def register_japanese_fonts() -> tuple[str, str]:
    """Register both faces with ReportLab once per process; returns (mincho, gothic) names."""
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(font_path(filename))))
    return MINCHO, GOTHIC
