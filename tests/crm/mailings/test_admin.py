"""The Mailings and Events menus in the admin: preview, finalise with confirmation, downloads,
returned-mail paste, the address report, invitations, cancelling and the check-in list."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from crm.factories import DonorFactory
from crm.models import Event, EventInvitation, Mailing, ReturnedMail, Segment
from tests.crm.test_admin_fixtures import fundraiser_fixture, superuser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
JST = datetime.timezone(datetime.timedelta(hours=9))


@pytest.fixture
def segment():
    for n in range(3):
        DonorFactory(family_name="山田", given_name=f"太郎{n}", address_line=f"神宮前{n}-1-1").tags.add(
            "post"
        )
    return Segment.objects.create(
        name="Post",
        slug="post",
        rules=[{"type": "rule", "value": {"field": "tag", "operator": "has_any", "value": "post"}}],
    )


def test_mailing_from_creation_to_downloads(client, superuser, segment):
    client.force_login(superuser)
    response = client.post(
        reverse("crm_mailings:add"),
        {
            "title": "秋の活動報告書",
            "kind": "report",
            "segment": segment.pk,
            "name_style": "given",
            "picked": "",
        },
    )
    mailing = Mailing.objects.get(title="秋の活動報告書")
    assert response.status_code == 302
    inspect = client.get(reverse("crm_mailings:inspect", args=[mailing.pk])).content.decode()
    assert "data-mailing-pieces>3<" in inspect
    # Downloads wait for the final count.
    assert client.get(reverse("crm_mailings:csv", args=[mailing.pk])).status_code == 302
    confirm = client.get(reverse("crm_mailings:finalise", args=[mailing.pk])).content.decode()
    assert "<strong>3</strong>" in confirm
    client.post(reverse("crm_mailings:finalise", args=[mailing.pk]))
    mailing.refresh_from_db()
    assert mailing.is_final and mailing.piece_count == 3
    csv_response = client.get(reverse("crm_mailings:csv", args=[mailing.pk]))
    assert csv_response["Content-Type"].startswith("text/csv") and csv_response.content.startswith(
        b"\xef\xbb\xbf"
    )
    labels = client.get(reverse("crm_mailings:labels", args=[mailing.pk, 24]))
    assert labels["Content-Type"] == "application/pdf" and labels.content.startswith(b"%PDF")
    assert client.get(reverse("crm_mailings:labels", args=[mailing.pk, 7])).status_code == 404
    # A final mailing cannot be edited.
    assert client.get(reverse("crm_mailings:edit", args=[mailing.pk])).status_code == 302


def test_mailing_form_reports_unknown_hand_picked_lines(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("crm_mailings:add"),
        {"title": "x", "kind": "report", "name_style": "given", "picked": "誰もいない"},
    )
    assert response.status_code == 200 and "No single donor found" in response.content.decode()
    assert not Mailing.objects.exists()


def test_returned_mail_paste_and_address_report(client, fundraiser, segment):
    client.force_login(fundraiser)
    donor = DonorFactory(family_name="伊藤", given_name="舞", city="新宿区")
    preview = client.post(
        reverse("crm_returned_mail:add"), {"lines": f"{donor.email}\n伊藤 舞", "note": "6月分"}
    )
    assert preview.status_code == 200 and "Mark returned mail for 2 donors" in preview.content.decode()
    client.post(reverse("crm_returned_mail:add"), {"confirm": "yes", "selected": [donor.pk], "note": "6月分"})
    assert ReturnedMail.objects.filter(donor=donor).count() == 1
    report = client.get(reverse("crm_address_report:index")).content.decode()
    assert "伊藤 舞" in report and "Postal code is in another city" in report


def test_postal_code_lookup_for_the_donor_form(client, fundraiser):
    client.force_login(fundraiser)
    data = client.get(reverse("crm_postal_code_lookup"), {"code": "1000001"}).json()
    assert data == {"found": True, "prefecture": "東京都", "city": "千代田区", "town": "千代田"}


def test_event_admin_invite_answers_cancel_and_check_in(
    client, superuser, segment, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    response = client.post(
        reverse("crm_events:add"),
        {
            "title": "報告会",
            "title_en": "Report evening",
            "starts_at": "2099-06-20 18:30",
            "ends_at": "2099-06-20 20:00",
            "place": "渋谷",
            "capacity": "10",
            "max_guests": "1",
            "audience": segment.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(title="報告会")
    assert event.starts_at == datetime.datetime(2099, 6, 20, 18, 30, tzinfo=JST)
    assert "3 donors" in client.get(reverse("crm_events:invite", args=[event.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("crm_events:invite", args=[event.pk]))
    assert len(mail.outbox) == 3
    invitation = EventInvitation.objects.select_related("donor").first()
    EventInvitation.objects.filter(pk=invitation.pk).update(answer="yes")
    check_in = reverse("crm_events:check_in", args=[event.pk])
    page = client.get(check_in, {"q": invitation.donor.given_name_kana}).content.decode()
    assert invitation.donor.display_name in page
    client.post(check_in, {"invitation": invitation.pk})
    invitation.refresh_from_db()
    assert invitation.checked_in_at is not None
    inspect = client.get(reverse("crm_events:inspect", args=[event.pk])).content.decode()
    assert 'data-answer="yes">Yes: 1' in inspect
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("crm_events:cancel", args=[event.pk]))
    event.refresh_from_db()
    assert event.is_cancelled
    assert mail.outbox[-1].subject == "中止のお知らせ：報告会"  # the donor reads Japanese


def test_menus_are_in_the_admin(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Mailings" in page and "Events" in page
