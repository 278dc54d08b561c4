"""Opening donor CSV files: encoding detection and streaming rows.

Excel on Japanese Windows still saves CSV as Shift_JIS (really CP932: NEC and IBM extensions,
"①", "髙"), newer tools as UTF-8 with or without a BOM. A file that decodes as UTF-8 from start
to end is UTF-8; anything else is read as CP932. Plain ASCII is valid as both, so the order
matters only for files with Japanese text.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

_CHUNK = 1 << 16


def detect_encoding(stream: BinaryIO) -> str:
    """ "utf-8-sig" or "cp932". Reads the stream through once (in chunks) and rewinds it."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp932"
    stream.seek(0)
    return encoding


class CsvFileError(ValueError):
    """The file as a whole can't be read (wrong encoding, no header row)."""


def iter_csv_rows(stream: BinaryIO, *, encoding: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number of the row's first line, cells), the header row first.

    Line numbers are what a spreadsheet shows (header = 1), so error reports point at the
    right place even when a quoted cell spans lines.
    """
    encoding = encoding or detect_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
    try:
        reader = csv.reader(text)
        line = 1
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            _("the file is neither UTF-8 nor Shift_JIS text: %(reason)s") % {"reason": exc.reason}
        ) from None
    except csv.Error as exc:
        raise CsvFileError(
            _("not a readable CSV file near line %(line)s: %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from None
    finally:
        text.detach()
