"""The dashboard page, chart CSVs and reports in the admin: fundraisers only, figures as computed,
exports, and "save as segment" keeping the report's rules."""

import csv
import datetime
import io

import pytest
from django.core.management.base import OutputWrapper
from django.urls import reverse
from openpyxl import load_workbook

from crm.demo import load_crm_demo
from crm.factories import DonationFactory
from crm.management.commands.crm_stats import crm_stats
from crm.models import Segment
from crm.reports import selectors
from tests.crm.reports.conftest import at
from tests.crm.test_admin_fixtures import communications_fixture, fundraiser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

REPORT_URLS = ["lybunt", "sybunt", "at-risk", "top-donors", "top-companies", "gifts-by-month", "first-year"]


def test_communications_staff_see_no_crm_figures(client, communications, family):
    client.force_login(communications)
    for url in [
        "/admin/crm/reports/",
        "/admin/crm/reports/chart/members.csv",
        *(f"/admin/crm/reports/{r}/" for r in REPORT_URLS),
        "/admin/crm/reports/lybunt/?export=csv",
    ]:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"50,000" not in response.content and b"50000" not in response.content
    assert client.post("/admin/crm/reports/save/lybunt/").status_code in (302, 403)
    assert not Segment.objects.exists()
    assert "Reports and dashboard" not in client.get("/admin/").content.decode()


def test_dashboard_page_draws_every_chart_with_its_numbers(client, fundraiser, family):
    client.force_login(fundraiser)
    response = client.get("/admin/crm/reports/?start=2025-10&end=2026-03")
    assert response.status_code == 200
    html = response.content.decode()
    for chart in [
        "members",
        "mrr",
        "movement",
        "cohorts",
        "tiers",
        "income",
        "audience",
        "facebook",
        "recovery",
    ]:
        assert f'data-chart="{chart}"' in html
        assert f"/admin/crm/reports/chart/{chart}.csv?start=2025-10&amp;end=2026-03" in html
    # pygal's SVG: eight charts (the cohort table is a table), month labels and values printed,
    # and no script from a CDN.
    assert html.count('class="pygal-chart"') == 8
    assert "2025-10" in html and "¥19,000" in html
    charts_html = html.split('class="crm-reports__toc"')[1]
    assert "kozea.github.io" not in charts_html and "<script" not in charts_html
    assert 'data-figure="active_members">4<' in html
    assert (
        "2026-03-01 to 2026-03-10, against the same days last year (2025-03-01 to 2025-03-10): ¥5,000" in html
    )
    assert "(+60%)" in html


def test_chart_csv_holds_the_charts_numbers(client, fundraiser, family):
    client.force_login(fundraiser)
    response = client.get("/admin/crm/reports/chart/mrr.csv?start=2025-10&end=2026-03")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Month", "MRR (JPY)"],
        ["2025-10", "4000"],
        ["2025-11", "9000"],
        ["2025-12", "19000"],
        ["2026-01", "16000"],
        ["2026-02", "15000"],
        ["2026-03", "18000"],
    ]
    income = list(
        csv.reader(
            io.StringIO(
                client.get("/admin/crm/reports/chart/income.csv?start=2025-10&end=2026-03").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert income[1] == ["2025-10", "4000", "20000", "50000", "74000"]
    assert client.get("/admin/crm/reports/chart/nothing.csv").status_code == 404


def test_a_period_that_runs_backwards_is_refused(client, fundraiser, family):
    client.force_login(fundraiser)
    html = client.get("/admin/crm/reports/?start=2026-03&end=2025-10").content.decode()
    assert "The first month must not be after the last one." in html


def test_reports_link_each_row_to_the_donor_and_export(client, fundraiser, family):
    p = family
    client.force_login(fundraiser)
    html = client.get("/admin/crm/reports/lybunt/").content.decode()
    for name in "dfghj":
        assert reverse("crm_donor:inspect", args=[p[name].pk]) in html
    assert reverse("crm_donor:inspect", args=[p["l"].pk]) not in html  # gave in 2024 only: SYBUNT
    assert (
        reverse("crm_donor:inspect", args=[p["l"].pk])
        in client.get("/admin/crm/reports/sybunt/").content.decode()
    )

    filtered = client.get("/admin/crm/reports/lybunt/?min_lifetime=15000").content.decode()
    assert reverse("crm_donor:inspect", args=[p["g"].pk]) in filtered
    assert reverse("crm_donor:inspect", args=[p["j"].pk]) not in filtered  # ¥13,000

    exported = client.get("/admin/crm/reports/lybunt/?export=csv")
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["Lifetime value (JPY)"]) for r in rows] == [50000, 20000, 13000, 6000, 3000]
    xlsx = client.get("/admin/crm/reports/top-donors/?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.cell(row=2, column=5).value == 50000

    for report in REPORT_URLS:
        assert client.get(f"/admin/crm/reports/{report}/").status_code == 200, report
    gifts = client.get("/admin/crm/reports/gifts-by-month/?year=2025").content.decode()
    assert "¥24,000" in gifts and "received_at_after=2025-10-01" in gifts


def test_save_as_segment_keeps_the_reports_rules(client, fundraiser, family):
    p = family
    client.force_login(fundraiser)
    response = client.post("/admin/crm/reports/save/lybunt/", {"min_lifetime": "15000"})
    segment = Segment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "crm_segment:edit", args=[segment.pk]
    )
    assert segment.rule_tree()["rules"] == [
        {"field": "lapsed", "operator": "last_year_not_this_year", "value": "", "value2": ""},
        {"field": "lifetime_value", "operator": "gte", "value": "15000", "value2": ""},
    ]
    assert set(segment.donors()) == {p["f"], p["g"]}
    # Rules, not a frozen list: g gives this year and leaves the segment.
    DonationFactory(donor=p["g"], amount=1000, received_at=at(2026, 3, 9))
    assert set(segment.donors()) == {p["f"]}

    client.post("/admin/crm/reports/save/at_risk/", {})
    assert set(Segment.objects.exclude(pk=segment.pk).get().donors()) == {p["d"]}


def test_dashboard_agrees_with_crm_stats_on_the_demo_data(client, fundraiser):
    load_crm_demo(stdout=OutputWrapper(io.StringIO()))
    stats = crm_stats()
    head = selectors.headline()
    assert {
        k: getattr(head, k)
        for k in ("donors", "active_members", "mrr_jpy", "donations_total_jpy", "partner_companies")
    } == {
        k: stats[k]
        for k in ("donors", "active_members", "mrr_jpy", "donations_total_jpy", "partner_companies")
    }
    funnel = selectors.facebook_funnel()
    assert funnel.by_status == stats["facebook_group"]
    today = datetime.date(2026, 3, 10)
    months = selectors.membership_months(selectors.Period.ending(today=today))
    assert (months[-1].members, months[-1].mrr_jpy) == (stats["active_members"], stats["mrr_jpy"])

    client.force_login(fundraiser)
    html = client.get("/admin/crm/reports/").content.decode()
    assert f'data-figure="active_members">{stats["active_members"]:,}<' in html
    assert f'data-figure="mrr_jpy">¥{stats["mrr_jpy"]:,}<' in html
    # The report and the demo's saved segment of the same rules list the same donors.
    lybunt = selectors.report_donors(selectors.report_rule_tree("lybunt"), today=today)
    assert lybunt.count() == Segment.objects.get(slug="lapsed").donors().count() > 0


def test_labels_are_in_the_staff_users_language(client, fundraiser, family):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(fundraiser)
    profile.preferred_language = "ja"
    profile.save()
    client.force_login(fundraiser)
    html = client.get("/admin/crm/reports/?start=2025-10&end=2026-03").content.decode()
    assert "ファンドレイジング ダッシュボード" in html
    # Chart titles and axes inside the SVG, and the table headings beside it.
    assert ">マンスリーサポーター数<" in html and ">月次継続収入（円）<" in html
    assert "前年同期（2025-03-01 〜 2025-03-10）は 5,000円" in html
    rows = list(
        csv.reader(io.StringIO(client.get("/admin/crm/reports/chart/tiers.csv").content.decode("utf-8-sig")))
    )
    assert rows[0] == ["月額", "人数"] and rows[2] == ["1,000〜4,999円", "3"]
    report = client.get("/admin/crm/reports/lybunt/").content.decode()
    assert "LYBUNT：昨年寄付・今年まだ" in report and "セグメントとして保存" in report
