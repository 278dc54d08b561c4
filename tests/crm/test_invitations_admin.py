"""The Facebook-group queue in the admin: menu counts, bulk actions, paste-to-match, CSV, permissions,
and removal driven by a real (fake-Stripe) cancellation event."""

from __future__ import annotations

import csv
import datetime
import io
import time

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.users.models import UserProfile

from crm.community import services as svc
from crm.community.models import FacebookGroupInvitation, FacebookGroupSettings
from crm.factories import DonorFactory, RecurringDonationFactory
from crm.models import RecurringDonation
from crm.payments import client as stripe_api
from tests.crm.test_admin_fixtures import (  # noqa: F401  (fixtures)
    communications_fixture,
    fundraiser_fixture,
    superuser_fixture,
)
from tests.stripe_fake.fixtures import fake_stripe, fake_stripe_server, signed_post

__all__ = ["fake_stripe", "fake_stripe_server"]

pytestmark = pytest.mark.django_db

Status = FacebookGroupInvitation.Status
QUEUE_URLS = ["crm_fb_to_invite:index", "crm_fb_awaiting:index", "crm_fb_to_remove:index"]


@pytest.fixture(autouse=True)
def group_link(db):
    texts = FacebookGroupSettings.load()
    texts.group_url = "https://www.facebook.com/groups/welgee-family"
    texts.save()


def members(n: int) -> list[FacebookGroupInvitation]:
    for _ in range(n):
        RecurringDonationFactory(donor=DonorFactory())
    svc.invitations_sync_eligibility()
    return list(FacebookGroupInvitation.objects.order_by("pk"))


def admin_urls() -> list[str]:
    invitation = members(1)[0]
    return [
        *(reverse(name) for name in QUEUE_URLS),
        reverse("crm_fb_to_invite:index") + "?export=csv",
        reverse("crm_facebook_group:index"),
        reverse("crm_facebook_group:index") + "?export=csv",
        reverse("crm_facebook_group:add"),
        reverse("crm_facebook_group:inspect", args=[invitation.pk]),
        reverse("crm_facebook_group:edit", args=[invitation.pk]),
        reverse("crm_facebook_group:paste"),
        settings_url(),
    ]


def settings_url() -> str:
    return reverse(
        "wagtailsettings:edit", args=["crm", "facebookgroupsettings", FacebookGroupSettings.load().pk]
    )


def test_communications_staff_cannot_see_the_queue(client, communications):
    client.force_login(communications)
    for url in admin_urls():
        response = client.get(url)
        assert response.status_code in (302, 403), url
    invitation = FacebookGroupInvitation.objects.get()
    response = client.post(reverse("crm_fb_to_invite:index"), {"action": "send", "selected": [invitation.pk]})
    assert response.status_code in (302, 403)
    invitation.refresh_from_db()
    assert invitation.status == Status.ELIGIBLE and mail.outbox == []
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Facebook" not in dashboard


def test_fundraisers_see_every_queue_view(client, fundraiser):
    client.force_login(fundraiser)
    for url in admin_urls():
        response = client.get(url)
        assert response.status_code == 200, url


def test_menu_shows_counts(client, fundraiser):
    invitations = members(3)
    svc.invitation_send(invitation=invitations[0])
    client.force_login(fundraiser)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "To invite (2)" in page
    assert "Awaiting answer (1)" in page
    assert "To remove (" not in page


def test_bulk_send_then_bulk_mark_joined(client, fundraiser):
    invitations = members(3)
    client.force_login(fundraiser)
    ids = [i.pk for i in invitations]
    response = client.post(reverse("crm_fb_to_invite:index"), {"action": "send", "selected": ids})
    assert response.status_code == 302
    assert len(mail.outbox) == 3
    assert set(FacebookGroupInvitation.objects.values_list("status", flat=True)) == {Status.INVITED}
    awaiting = client.get(reverse("crm_fb_awaiting:index")).content.decode()
    assert all(i.join_code in awaiting for i in invitations)
    client.post(reverse("crm_fb_awaiting:index"), {"action": "joined", "selected": ids[:2]})
    statuses = list(FacebookGroupInvitation.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [Status.JOINED, Status.JOINED, Status.INVITED]
    # The user is on every event.
    assert set(
        FacebookGroupInvitation.objects.get(pk=ids[0]).events.values_list("by_user__username", flat=True)
    ) == {None, "fundraiser"}


def test_an_action_not_offered_by_the_queue_is_refused(client, fundraiser):
    invitation = members(1)[0]
    client.force_login(fundraiser)
    client.post(reverse("crm_fb_to_remove:index"), {"action": "joined", "selected": [invitation.pk]})
    invitation.refresh_from_db()
    assert invitation.status == Status.ELIGIBLE


def test_failed_send_shows_the_error_in_the_queue(client, fundraiser):
    invitation = members(1)[0]
    invitation.donor.__class__.objects.filter(pk=invitation.donor_id).update(email=None)
    client.force_login(fundraiser)
    response = client.post(
        reverse("crm_fb_to_invite:index"), {"action": "send", "selected": [invitation.pk]}, follow=True
    )
    page = response.content.decode()
    assert "no email address" in page
    invitation.refresh_from_db()
    assert invitation.status == Status.ELIGIBLE


def test_filter_by_age_and_csv_export(client, fundraiser):
    invitations = members(2)
    old = invitations[0]
    FacebookGroupInvitation.objects.filter(pk=old.pk).update(
        status_changed_at=old.status_changed_at - datetime.timedelta(days=10)
    )
    UserProfile.objects.filter(user=fundraiser).update(preferred_language="ja")
    client.force_login(fundraiser)
    page = client.get(reverse("crm_fb_to_invite:index"), {"older_than_days": 5}).content.decode()
    assert old.join_code in page and invitations[1].join_code not in page
    response = client.get(reverse("crm_fb_to_invite:index"), {"older_than_days": 5, "export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["参加コード", "ステータス", "寄付者番号"]  # in the fundraiser's language
    assert rows[1][1] == "招待待ち"
    assert [r[0] for r in rows[1:]] == [old.join_code]
    assert old.donor.display_name in rows[1]


def test_paste_to_match_and_confirm(client, fundraiser):
    invitations = members(2)
    for invitation in invitations:
        svc.invitation_send(invitation=invitation)
    client.force_login(fundraiser)
    text = f"{invitations[0].join_code}\nnot a donor\n{invitations[0].join_code}\n{invitations[1].join_code}"
    response = client.post(reverse("crm_facebook_group:paste"), {"lines": text})
    page = response.content.decode()
    assert "not a donor" in page and "unmatched" in page and "duplicate" in page
    assert page.count('name="selected"') == 2
    response = client.post(
        reverse("crm_facebook_group:paste"),
        {"confirm": "yes", "selected": [invitations[0].pk, invitations[1].pk]},
    )
    assert response.status_code == 302
    assert set(FacebookGroupInvitation.objects.values_list("status", flat=True)) == {Status.JOINED}


def test_add_a_partner_by_hand(client, fundraiser):
    partner = DonorFactory()
    client.force_login(fundraiser)
    response = client.post(reverse("crm_facebook_group:add"), {"donor": partner.pk})
    assert response.status_code == 302
    invitation = FacebookGroupInvitation.objects.get(donor=partner)
    assert invitation.manual and invitation.status == Status.ELIGIBLE
    assert invitation.events.get().by_user == fundraiser


def test_editors_set_link_and_texts_in_the_settings(client, fundraiser):
    client.force_login(fundraiser)
    url = settings_url()
    data = {
        "group_url": "https://www.facebook.com/groups/another",
        "invite_subject_ja": "ようこそ {name} 様",
        "invite_body_ja": "コード {join_code} / {group_url}",
        "invite_subject_en": "Welcome",
        "invite_body_en": "Code {join_code}",
        "reminder_subject_ja": "再送",
        "reminder_body_ja": "{join_code}",
        "reminder_subject_en": "Reminder",
        "reminder_body_en": "{join_code}",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = members(1)[0]
    svc.invitation_send(invitation=invitation)
    assert mail.outbox[-1].body == f"コード {invitation.join_code} / https://www.facebook.com/groups/another"


# --- removal after a Stripe cancellation event ------------------------------------------------------------


def test_stripe_cancellation_moves_a_joined_member_to_removal(
    client, django_capture_on_commit_callbacks, fake_stripe
):
    def deliver(events):
        for event in events:
            with django_capture_on_commit_callbacks(execute=True):
                assert signed_post(client, event).status_code == 200

    session = stripe_api.create_checkout_session(
        amount_jpy=1000,
        frequency="monthly",
        locale="ja",
        metadata={"page_id": "1", "tier": "1000", "language": "ja"},
        idempotency_key=f"fb-{time.time_ns()}",
        success_url="http://testserver/s",
        cancel_url="http://testserver/c",
    )
    now = int(time.time())
    deliver(fake_stripe.complete_checkout(session.id, created=now - 100))
    invitation = FacebookGroupInvitation.objects.get()  # appeared by itself when the gift began
    assert invitation.status == Status.ELIGIBLE
    svc.invitation_send(invitation=invitation)
    svc.invitation_mark_joined(invitation=invitation)
    recurring = RecurringDonation.objects.get()
    deliver(fake_stripe.cancel(recurring.external_id, created=now))
    invitation.refresh_from_db()
    assert invitation.status == Status.REMOVAL_DUE
    assert invitation.events.filter(to_status=Status.REMOVAL_DUE).count() == 1


def test_a_long_queue_pages_by_50_keeps_its_filter_and_its_buttons_on_top(client, fundraiser):
    invitations = members(53)
    aged = invitations[:51]
    FacebookGroupInvitation.objects.filter(pk__in=[i.pk for i in aged]).update(
        status_changed_at=invitations[0].status_changed_at - datetime.timedelta(days=10)
    )
    UserProfile.objects.filter(user=fundraiser).update(preferred_language="ja")
    client.force_login(fundraiser)
    url = reverse("crm_fb_to_invite:index")

    first = client.get(url, {"older_than_days": 5}).content.decode()
    assert first.count('name="selected"') == 50
    # The heading names the queue (it read 「ホーム」), and the bulk buttons come before the rows.
    crumbs = first.split("w-breadcrumbs", 1)[1].split("</nav>", 1)[0]
    assert "Facebookグループ: 招待待ち" in crumbs
    assert first.index('name="action"') < first.index('name="selected"')
    assert "older_than_days=5" in first and "p=2" in first  # the next page keeps the filter

    second = client.get(url, {"older_than_days": 5, "p": 2}).content.decode()
    assert second.count('name="selected"') == 1
    codes = {i.join_code for i in aged}
    assert sum(code in first + second for code in codes) == 51
