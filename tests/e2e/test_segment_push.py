"""A fundraiser builds a segment from rule rows in the admin, sees who is in it, and pushes it to
(a fake) Mailchimp with "Push now"; only donors who consented arrive subscribed and tagged."""

import pytest

from crm.factories import DonorFactory
from crm.models import Donor, MailchimpSyncRun, Segment
from tests.crm.test_admin_fixtures import _staff
from tests.e2e.conftest import log_in
from tests.mailchimp_fake.fixtures import fake_mailchimp_fixture  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

S = Donor.NewsletterStatus


def test_fundraiser_builds_a_segment_and_pushes_it(page, fake_mailchimp):
    english = DonorFactory(email="emma@example.org", preferred_language="en", newsletter_status=S.SUBSCRIBED)
    declined = DonorFactory(email="liam@example.org", preferred_language="en", newsletter_status=S.NEVER)
    DonorFactory(email="hanako@example.jp", preferred_language="ja", newsletter_status=S.SUBSCRIBED)
    log_in(page, _staff("fundraiser", "Fundraising"))

    page.goto("/admin/crm/segments/new/")
    page.fill("input[name=name]", "English speakers")
    page.fill("input[name=slug]", "english-speakers")
    page.locator("button.c-sf-add-button").first.click()
    page.locator("[role=option]").first.click()  # a rule row (the other option is a group of rules)
    page.select_option("select[name=rules-0-value-field]", "language")
    page.select_option("select[name=rules-0-value-operator]", "is")
    page.fill("input[name=rules-0-value-value]", "en")
    page.locator("#w-editor-form button[type=submit]").first.click()
    page.wait_for_url("**/admin/crm/segments/")

    segment = Segment.objects.get(slug="english-speakers")
    assert set(segment.donors().values_list("pk", flat=True)) == {english.pk, declined.pk}
    page.goto(f"/admin/crm/segments/inspect/{segment.pk}/")
    inspect = page.locator("main").inner_text()
    assert "emma@example.org" in inspect and "hanako@example.jp" not in inspect

    page.locator(f"form[action$='/push/{segment.pk}/'] button[type=submit]").click()
    page.wait_for_url(f"**/inspect/{segment.pk}/")

    run = MailchimpSyncRun.objects.get()
    assert run.failed == 0
    assert fake_mailchimp.member("emma@example.org")["status"] == "subscribed"
    assert "English speakers" in fake_mailchimp.active_tags("emma@example.org")
    # No consent recorded: never subscribed by a sync.
    declined_member = fake_mailchimp.member("liam@example.org")
    assert declined_member is None or declined_member["status"] != "subscribed"
    assert fake_mailchimp.member("hanako@example.jp") is None or not fake_mailchimp.active_tags(
        "hanako@example.jp"
    )
