"""A fundraiser opens the dashboard in a real browser: every chart is drawn, with data, on a laptop
and on a phone, without JavaScript errors."""

import datetime

import pytest
from django.utils import timezone

from crm.factories import DonationFactory, DonorFactory, RecurringDonationFactory
from tests.crm.test_admin_fixtures import _staff
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHARTS = ["members", "mrr", "movement", "tiers", "income", "audience", "facebook"]


def _some_history() -> None:
    now = timezone.now()
    for i in range(12):
        donor = DonorFactory(newsletter_status="subscribed" if i % 2 else "never")
        started = now - datetime.timedelta(days=30 * (i + 1))
        gift = RecurringDonationFactory(
            donor=donor, amount=[1000, 3000, 5000, 10000][i % 4], started_at=started
        )
        for month in range(i + 1):
            DonationFactory(
                donor=donor,
                amount=gift.amount,
                recurring_donation=gift,
                received_at=started + datetime.timedelta(days=30 * month),
            )
        DonationFactory(donor=donor, amount=20000, method="bank_transfer", received_at=started)


def _charts_drawn(page) -> None:
    for chart in CHARTS:
        svg = page.locator(f'[data-chart="{chart}"] svg.pygal-chart')
        box = svg.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 80, chart
        # Data drawn: bars or line points, and printed values.
        assert svg.locator("rect.rect, path.line, circle.dot, rect.reactive").count() > 0, chart
        assert svg.locator("text.value").count() > 0, chart
    cohort_cells = page.locator('[data-chart="cohorts"] td.crm-reports__heat')
    assert cohort_cells.count() > 0


def test_dashboard_charts_render_with_data(page):
    _some_history()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, _staff("fundraiser", "Fundraising"))

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/admin/crm/reports/")
    _charts_drawn(page)
    members = page.locator('[data-chart="members"] svg.pygal-chart')
    assert "Active monthly members" in members.text_content()  # the title, in the user's language
    assert page.locator('[data-chart="members"] table tbody tr').count() == 24

    # On a phone the charts shrink to the screen instead of overflowing it.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/admin/crm/reports/")
    _charts_drawn(page)
    for chart in CHARTS:
        box = page.locator(f'[data-chart="{chart}"] svg.pygal-chart').bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1, chart
    assert errors == []
