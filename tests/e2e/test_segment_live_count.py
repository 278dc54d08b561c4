"""The segment builder counts while the fundraiser builds: the number under the form follows each
change of a rule, before anything is saved (crm/static/crm/segment_rules.js -> crm_segment:count)."""

import pytest
from wagtail.users.models import UserProfile

from crm.factories import DonorFactory
from crm.models import Segment
from tests.crm.test_admin_fixtures import _staff
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_count_follows_the_rules_as_they_change(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    for n in range(3):
        DonorFactory(email=f"en{n}@example.org", preferred_language="en")
    DonorFactory(email="ja@example.jp", preferred_language="ja")
    fundraiser = _staff("fundraiser", "Fundraising")
    UserProfile.objects.filter(user=fundraiser).update(preferred_language="ja")
    log_in(page, fundraiser)

    page.goto("/admin/crm/segments/new/")
    count = page.locator("[data-segment-live-count]")
    page.wait_for_function("() => document.querySelector('[data-segment-live-count]').dataset.count === '4'")
    page.fill("input[name=name]", "英語を話す方")
    page.locator("button.c-sf-add-button").first.click()
    page.locator("[role=option]").first.click()
    page.select_option("select[name=rules-0-value-field]", "language")
    page.select_option("select[name=rules-0-value-operator]", "is")
    page.fill("input[name=rules-0-value-value]", "英語")
    page.wait_for_function("() => document.querySelector('[data-segment-live-count]').dataset.count === '3'")
    assert "3" in count.inner_text()
    page.fill("input[name=rules-0-value-value]", "日本語")
    page.wait_for_function("() => document.querySelector('[data-segment-live-count]').dataset.count === '1'")
    assert not Segment.objects.exists()  # counting saves nothing
