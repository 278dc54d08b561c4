"""A fundraiser builds a segment in Japanese from rule rows in the admin, sees who is in it, exports
it for Excel and pushes it to (a fake) Mailchimp after confirming; only donors who consented arrive
subscribed and tagged. On the desktop and on a phone."""

from pathlib import Path

import pytest
from wagtail.users.models import UserProfile

from crm.factories import DonorFactory
from crm.models import Donor, MailchimpSyncRun, Segment
from tests.crm.test_admin_fixtures import _staff
from tests.e2e.conftest import log_in
from tests.mailchimp_fake.fixtures import fake_mailchimp_fixture  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

S = Donor.NewsletterStatus


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_fundraiser_builds_a_segment_in_japanese_exports_it_and_pushes_it(page, fake_mailchimp, viewport):
    page.set_viewport_size(viewport)
    english = DonorFactory(email="emma@example.org", preferred_language="en", newsletter_status=S.SUBSCRIBED)
    declined = DonorFactory(email="liam@example.org", preferred_language="en", newsletter_status=S.NEVER)
    DonorFactory(email="hanako@example.jp", preferred_language="ja", newsletter_status=S.SUBSCRIBED)
    fundraiser = _staff("fundraiser", "Fundraising")
    UserProfile.objects.filter(user=fundraiser).update(preferred_language="ja")
    log_in(page, fundraiser)

    page.goto("/admin/crm/segments/new/")
    assert page.locator("input[name=slug]").count() == 0  # the slug is made from the name
    page.fill("input[name=name]", "英語を話す方")
    page.locator("button.c-sf-add-button").first.click()
    page.locator("[role=option]").first.click()  # a rule row (the other option is a group of rules)
    page.select_option("select[name=rules-0-value-field]", "language")
    # Only the operators that fit a choice field are offered, and its values in Japanese.
    offered = page.eval_on_selector_all(
        "select[name=rules-0-value-operator] option:not([hidden])",
        "os => os.map(o => o.value).filter(Boolean)",
    )
    assert offered == ["is", "is_not"]
    page.select_option("select[name=rules-0-value-operator]", "is")
    choices = page.locator("#rules-0-value-value-choices option")
    assert "英語" in [choices.nth(i).get_attribute("value") for i in range(choices.count())]
    page.fill("input[name=rules-0-value-value]", "英語")
    page.locator("#w-editor-form button[type=submit]").first.click()
    page.wait_for_url("**/admin/crm/segments/")

    segment = Segment.objects.get(name="英語を話す方")
    assert set(segment.donors().values_list("pk", flat=True)) == {english.pk, declined.pk}
    page.goto(f"/admin/crm/segments/inspect/{segment.pk}/")
    inspect = page.locator("main").inner_text()
    assert "emma@example.org" in inspect and "hanako@example.jp" not in inspect

    with page.expect_download() as download:
        page.locator(f"main a[href$='/export/{segment.pk}/']").first.click()
    body = Path(download.value.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf"), "Japanese Excel needs the BOM"
    assert "emma@example.org" in body.decode("utf-8-sig") and "英語" in body.decode("utf-8-sig")

    # Pushing is its own confirmed step, not a button of the form.
    page.locator("summary", has_text="Mailchimp").click()
    page.locator(f"form[action$='/push/{segment.pk}/'] input[name=confirm]").check()
    page.locator(f"form[action$='/push/{segment.pk}/'] button[type=submit]").click()
    page.wait_for_url(f"**/inspect/{segment.pk}/")

    run = MailchimpSyncRun.objects.get()
    assert run.failed == 0
    assert fake_mailchimp.member("emma@example.org")["status"] == "subscribed"
    assert "英語を話す方" in fake_mailchimp.active_tags("emma@example.org")
    # No consent recorded: never subscribed by a sync.
    declined_member = fake_mailchimp.member("liam@example.org")
    assert declined_member is None or declined_member["status"] != "subscribed"
    assert fake_mailchimp.member("hanako@example.jp") is None or not fake_mailchimp.active_tags(
        "hanako@example.jp"
    )
