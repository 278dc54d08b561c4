"""Issue 16 in a browser: an event from its creation to a donor answering through their personal
link and being checked in at the door; and a postal mailing from a segment to the label PDF."""

import io
import re

import pytest
from django.core import mail
from pypdf import PdfReader

from crm.factories import DonorFactory
from crm.models import Event, EventInvitation, Interaction, Mailing, Segment
from tests.crm.test_admin_fixtures import _staff
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def tagged_segment(tag: str) -> Segment:
    return Segment.objects.create(
        name=f"Tagged {tag}",
        slug=tag,
        rules=[{"type": "rule", "value": {"field": "tag", "operator": "has_any", "value": tag}}],
    )


def test_event_from_creation_to_answer_and_check_in(page, browser, live_server):
    donor = DonorFactory(
        family_name="新井",
        given_name="葵",
        family_name_kana="アライ",
        given_name_kana="アオイ",
        preferred_language="en",
    )
    donor.tags.add("member")
    other = DonorFactory(family_name="木村", given_name="蓮")
    other.tags.add("member")
    segment = tagged_segment("member")
    log_in(page, _staff("fundraiser", "Fundraising"))

    page.goto("/admin/crm/events/new/")
    page.fill("input[name=title]", "サポーター交流会")
    page.fill("input[name=title_en]", "Supporters' evening")
    page.fill("input[name=starts_at]", "2099-06-20 18:30")
    page.fill("input[name=ends_at]", "2099-06-20 20:30")
    page.fill("input[name=place]", "WELgee 事務所")
    page.fill("input[name=capacity]", "20")
    page.fill("input[name=max_guests]", "2")
    page.select_option("select[name=audience]", str(segment.pk))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/admin/crm/events/inspect/*/")
    event = Event.objects.get(title="サポーター交流会")

    page.get_by_role("link", name="Send invitations…").click()
    assert "2 donors" in page.locator("main").inner_text()
    page.get_by_role("button", name="Yes, send the invitations").click()
    page.wait_for_url(f"**/inspect/{event.pk}/")
    assert len(mail.outbox) == 2
    invitation_mail = next(m for m in mail.outbox if m.to == [donor.email])
    assert invitation_mail.subject == "Invitation: Supporters' evening"
    path = re.search(r"http://testserver(/event-answer/\S+/)", invitation_mail.body).group(1)

    # The donor, not logged in, on their phone.
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    donor_page = phone.new_page()
    donor_page.goto(path)
    assert "Supporters' evening" in donor_page.locator("main").inner_text()
    donor_page.get_by_label("Yes, I will come").check()
    donor_page.select_option("select[name=guests]", "1")
    donor_page.get_by_role("button", name="Send my answer").click()
    donor_page.wait_for_url("**?saved=1")
    assert "your answer is saved" in donor_page.locator("main").inner_text()
    phone.close()
    invitation = EventInvitation.objects.get(event=event, donor=donor)
    assert (invitation.answer, invitation.guests) == ("yes", 1)

    # At the door: search by kana, tick.
    page.goto(f"/admin/crm/events/check-in/{event.pk}/")
    page.fill("#check-in-q", "あらい")
    page.locator("#main form[role=search] button[type=submit]").click()
    page.wait_for_url("**?q=*")
    row = page.locator(f"li[data-invitation='{invitation.pk}']")
    row.get_by_role("button", name="Check in").click()
    page.wait_for_url(f"**/check-in/{event.pk}/?q=*")
    assert "Arrived: 1 / 1" in page.locator("[data-check-in-count]").inner_text()
    invitation.refresh_from_db()
    assert invitation.checked_in_at is not None
    assert Interaction.objects.filter(
        donor=donor, kind="event", summary="Attended: サポーター交流会"
    ).exists()


def test_mailing_from_a_segment_to_the_label_pdf(page):
    for n, (family, given) in enumerate([("山田", "太郎"), ("山田", "花子"), ("佐藤", "健太")]):
        line = "神宮前1-2-3" if family == "山田" else f"渋谷{n}-1-1"
        DonorFactory(family_name=family, given_name=given, address_line=line).tags.add("report")
    DonorFactory(family_name="鈴木", given_name="誠", no_post=True).tags.add("report")
    segment = tagged_segment("report")
    log_in(page, _staff("fundraiser", "Fundraising"))

    page.goto("/admin/crm/mailings/new/")
    page.fill("input[name=title]", "秋の活動報告書")
    page.select_option("select[name=segment]", str(segment.pk))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/admin/crm/mailings/inspect/*/")
    assert page.locator("[data-mailing-pieces]").inner_text() == "2"
    assert "Asked for no post: 1" in page.locator("[data-mailing-excluded]").inner_text()

    page.get_by_role("link", name="Make final…").click()
    page.get_by_role("button", name="Yes, make it final").click()
    page.wait_for_url("**/admin/crm/mailings/inspect/*/")
    assert Mailing.objects.get().is_final

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Labels PDF (12 a sheet)").click()
    data = download_info.value.path().read_bytes()
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "〒150-0001" in text and "山田太郎様・花子様" in text and "佐藤健太様" in text
    assert "鈴木" not in text
