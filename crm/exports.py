"""Spreadsheets for people: every CSV and XLSX the CRM hands out is written here.

The office opens exports in Japanese Excel. Excel reads a CSV as Shift-JIS unless it starts with a
byte-order mark, so every CSV starts with one; times are Japan time to the second (Excel shows
microseconds and UTC offsets as text); headings are the fields' translated labels and values are
what the screens show (「購読中」, 「はい」), not database codes. Money stays a number so it sums.

The listings get this through `PeopleSpreadsheetMixin` (put before Wagtail's IndexView); the
segment and queue downloads, which are not listings, through `csv_response`; files handed to others
(the print shop's list, a print batch, a chart's numbers) through `csv_text`.

Formula injection (OWASP "CSV injection"): anyone can type `=HYPERLINK(...)` into the newsletter form
and it ends up in a donor's name. A spreadsheet runs a cell that starts with = + - @ (or a tab or a
carriage return before one) as a formula, so every text cell written here that starts that way gets
a leading apostrophe in CSV (Excel and LibreOffice then show the text as typed, minus nothing a person
needs) and is an explicit text cell with Excel's "quote prefix" style in XLSX (the text is unchanged
and cannot become a formula). Numbers stay numbers: only text is ever prefixed.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from wagtail.admin.views import generic

from accounts.audit import staff_event

#: Excel takes a UTF-8 CSV for UTF-8 only when it starts with this.
BOM = "\ufeff"

#: What makes a spreadsheet read a cell as a formula (full-width forms too: Japanese Excel folds them).
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: A tab or carriage return first is how the OWASP cheat sheet's payloads hide a formula.
FORMULA_HIDERS = ("\t", "\r", "\n")


def looks_like_formula(value: Any) -> bool:
    """True for text a spreadsheet would run (numbers are never formulas: they stay numbers)."""
    if not isinstance(value, str) or not value:
        return False
    return value.startswith(FORMULA_HIDERS) or value.lstrip().startswith(FORMULA_STARTS)


def neutralise_formula(value: Any) -> Any:
    """Text that would run as a formula, prefixed with an apostrophe (OWASP); anything else unchanged."""
    return "'" + value if looks_like_formula(value) else value


def spreadsheet_value(value: Any) -> Any:
    """A value as a person reads it in a CSV cell (numbers stay numbers, formulas stay text)."""
    return neutralise_formula(cell_value(value))


def cell_value(value: Any) -> Any:
    """A value as a person reads it in a spreadsheet cell, before CSV's formula guard."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (int, float)) or hasattr(value, "as_tuple"):  # Decimal
        return value
    if isinstance(value, (list, tuple)):
        return ", ".join(force_str(item) for item in value)
    return force_str(value)


def export_logged(*, request, what: str, export_format: str) -> None:
    """Who downloaded which list, when, with which filters: Wagtail's audit log, on the staff user."""
    filters = {key: value[:200] for key, value in request.GET.items() if key != "export"}
    staff_event(
        request=request,
        user=request.user,
        action="crm.export",
        data={"list": what, "format": export_format, "filters": filters},
    )


class _Echo:
    """csv.writer writes into this and hands the line back, so a response can stream it."""

    def write(self, value: str) -> str:
        return value


def in_language(lines: Iterable[str], language: str | None) -> Iterator[str]:
    """Each line made in the request's language.

    A streamed response is written after the view returned, when the admin has switched back from
    the user's language; holding `override` across a yield would leak it into other code instead.
    """
    lines = iter(lines)
    while True:
        with translation.override(language):
            line = next(lines, None)
        if line is None:
            return
        yield line


def csv_lines(
    headings: Iterable[Any], rows: Iterable[Iterable[Any]], *, lineterminator: str = "\r\n"
) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator=lineterminator)
    yield BOM
    yield writer.writerow([spreadsheet_value(heading) for heading in headings])
    for row in rows:
        yield writer.writerow([spreadsheet_value(value) for value in row])


def csv_text(*, headings: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """A whole CSV file as text (BOM first), for files that are stored or handed on, not streamed."""
    return "".join(csv_lines(headings, rows))


def csv_download(
    *, filename: str, headings: Iterable[Any], rows: Iterable[Iterable[Any]], request=None
) -> HttpResponse:
    """A small CSV download written at once (`filename` with its extension); logged with `request`."""
    if request is not None:
        export_logged(request=request, what=filename, export_format="csv")
    response = HttpResponse(csv_text(headings=headings, rows=rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(
    *, filename: str, headings: Iterable[Any], rows: Iterable[Iterable[Any]], request=None
) -> StreamingHttpResponse:
    """A CSV download Japanese Excel opens cleanly (`filename` without the extension); logged with `request`."""
    if request is not None:
        export_logged(request=request, what=filename, export_format="csv")
    lines = in_language(csv_lines(headings, rows), translation.get_language())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


class PeopleSpreadsheetMixin:
    """Wagtail's listing export (SpreadsheetExportMixin) in the office's words and time zone.

    Mixed in before `wagtail.admin.views.generic.IndexView`; `list_export` and `export_headings` stay
    on the viewset as Wagtail documents them.
    """

    def _model_field(self, model: type[models.Model], name: str) -> models.Field | None:
        try:
            return model._meta.get_field(name)
        except (FieldDoesNotExist, AttributeError):  # a report's row can be a plain dict
            return None

    def to_row_dict(self, item: models.Model) -> dict[str, Any]:
        row = super().to_row_dict(item)
        for name in row:
            field = self._model_field(type(item), name)
            if field is not None and field.choices and field.attname == name:
                # The label the screens show (購読中), not the stored code (subscribed).
                row[name] = getattr(item, f"get_{name}_display")()
        return row

    def get_preprocess_function(self, field: str, value: Any, export_format: str) -> Callable[[Any], Any]:
        if export_format == self.FORMAT_XLSX and isinstance(value, datetime.datetime):
            # Excel has no time zones: the office's local time, to the second.
            return lambda v: (timezone.make_naive(v) if timezone.is_aware(v) else v).replace(microsecond=0)
        is_number = isinstance(value, (int, float)) or hasattr(value, "as_tuple")
        if (
            export_format == self.FORMAT_XLSX
            and not isinstance(value, bool)
            and (is_number or isinstance(value, datetime.date))
        ):
            return None  # Excel's own dates and numbers
        # XLSX keeps the text as typed: generate_xlsx_row marks a formula-like cell as quoted text.
        return cell_value if export_format == self.FORMAT_XLSX else spreadsheet_value

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        # Wagtail already turns a cell openpyxl took for a formula back into text; `+cmd|...` and
        # `@SUM(...)` are not caught by it, so every such text cell also gets Excel's quote prefix.
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format=date_format):
            if cell.data_type in ("s", "f") and looks_like_formula(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
            yield cell

    def get_heading(self, queryset, field: str) -> str:
        if field in self.export_headings:
            return force_str(self.export_headings[field])
        model_field = self._model_field(queryset.model, field)
        if field == "id":
            return pgettext("spreadsheet heading", "Number")
        if model_field is not None and model_field.is_relation and model_field.attname == field:
            # donor_id next to donor: the number, so a merge or a look-up can use it.
            return gettext("%(label)s number") % {"label": capfirst(force_str(model_field.verbose_name))}
        return super().get_heading(queryset, field)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        export_logged(request=self.request, what=self.get_filename(), export_format=spreadsheet_format)
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def stream_csv(self, queryset) -> Iterator[str]:
        def lines():
            yield BOM
            yield from super(PeopleSpreadsheetMixin, self).stream_csv(queryset)

        return in_language(lines(), translation.get_language())

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response


class PeopleSpreadsheetIndexView(PeopleSpreadsheetMixin, generic.IndexView):
    """A plain listing whose downloads are the office's (for viewsets without their own index view)."""
