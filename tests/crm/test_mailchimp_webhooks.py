import pytest

from crm.mailing.services.sync import mailchimp_push
from crm.models import ConsentChange, Donor, DonorEmailHistory, MailchimpMemberState
from tests.mailchimp_fake.fixtures import WEBHOOK_SECRET, fake_mailchimp_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

S = Donor.NewsletterStatus
URL = f"/mailchimp/webhook/{WEBHOOK_SECRET}/"


def post(client, type_, **data):
    form = {"type": type_, "fired_at": "2026-01-01 00:00:00"}
    for key, value in data.items():
        if isinstance(value, dict):
            for k, v in value.items():
                form[f"data[{key}][{k}]"] = v
        else:
            form[f"data[{key}]"] = value
    return client.post(URL, form)


@pytest.fixture
def hook_settings(settings):
    settings.MAILCHIMP_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.MAILCHIMP_AUDIENCE_ID = "aud0001"


def test_get_check_answers_200(client, hook_settings):
    assert client.get(URL).status_code == 200


def test_wrong_secret_is_404(client, hook_settings):
    assert client.get("/mailchimp/webhook/wrong/").status_code == 404
    assert client.post("/mailchimp/webhook/wrong/", {"type": "unsubscribe"}).status_code == 404


def test_unsubscribe_follows_with_source(client, hook_settings):
    d = Donor.objects.create(email="u@example.org", newsletter_status=S.SUBSCRIBED)
    response = post(client, "unsubscribe", email="U@example.org", list_id="aud0001", action="unsub")
    assert response.status_code == 200
    d.refresh_from_db()
    assert d.newsletter_status == S.UNSUBSCRIBED
    assert d.newsletter_status_source == "mailchimp webhook"
    assert ConsentChange.objects.filter(donor=d, status=S.UNSUBSCRIBED, source="mailchimp webhook").exists()


def test_cleaned(client, hook_settings):
    d = Donor.objects.create(email="c@example.org", newsletter_status=S.SUBSCRIBED)
    post(client, "cleaned", email="c@example.org", list_id="aud0001", reason="hard")
    d.refresh_from_db()
    assert d.newsletter_status == S.CLEANED


def test_subscribe_confirms_pending_and_creates_unknown(client, hook_settings):
    d = Donor.objects.create(email="p@example.org", newsletter_status=S.PENDING)
    post(client, "subscribe", email="p@example.org", list_id="aud0001", merges={"FNAME": "Ken"})
    post(
        client,
        "subscribe",
        email="new@example.org",
        list_id="aud0001",
        merges={"FNAME": "Mei", "LNAME": "Ito", "LANGUAGE": "en"},
    )
    d.refresh_from_db()
    assert d.newsletter_status == S.SUBSCRIBED
    new = Donor.objects.get(email="new@example.org")
    assert (new.given_name, new.family_name, new.newsletter_status) == ("Mei", "Ito", S.SUBSCRIBED)
    assert new.preferred_language == "en"


def test_profile_updates_names(client, hook_settings):
    d = Donor.objects.create(email="pr@example.org", given_name="A", family_name="B")
    post(
        client, "profile", email="pr@example.org", list_id="aud0001", merges={"FNAME": "Aki", "LNAME": "Mori"}
    )
    d.refresh_from_db()
    assert (d.given_name, d.family_name) == ("Aki", "Mori")


def test_upemail_changes_address_and_keeps_history(client, hook_settings):
    d = Donor.objects.create(email="old@example.org", newsletter_status=S.SUBSCRIBED)
    post(
        client,
        "upemail",
        list_id="aud0001",
        old_email="old@example.org",
        new_email="New@example.org",
        new_id="x",
    )
    d.refresh_from_db()
    assert d.email == "new@example.org"
    assert DonorEmailHistory.objects.filter(donor=d, email="old@example.org").exists()


def test_upemail_to_an_address_in_use_changes_nothing(client, hook_settings):
    d = Donor.objects.create(email="one@example.org")
    Donor.objects.create(email="two@example.org")
    post(client, "upemail", list_id="aud0001", old_email="one@example.org", new_email="two@example.org")
    d.refresh_from_db()
    assert d.email == "one@example.org"


def test_other_audience_is_ignored(client, hook_settings):
    d = Donor.objects.create(email="o@example.org", newsletter_status=S.SUBSCRIBED)
    post(client, "unsubscribe", email="o@example.org", list_id="another")
    d.refresh_from_db()
    assert d.newsletter_status == S.SUBSCRIBED


def test_echo_of_our_own_push_does_not_loop(client, fake_mailchimp):
    """We push an unsubscribe; Mailchimp's webhook about it changes nothing and writes no history."""
    d = Donor.objects.create(email="echo@example.org", newsletter_status=S.SUBSCRIBED)
    mailchimp_push()
    d.newsletter_status = S.UNSUBSCRIBED
    d.save()
    mailchimp_push()
    assert MailchimpMemberState.objects.get(donor=d).pushed_status == "unsubscribed"
    changes = ConsentChange.objects.filter(donor=d).count()

    response = post(client, "unsubscribe", email="echo@example.org", list_id=fake_mailchimp.audience_id)

    assert response.content.startswith(b"ignored")
    assert ConsentChange.objects.filter(donor=d).count() == changes
    fake_mailchimp.reset_counters()
    assert mailchimp_push().unchanged == 1
    assert fake_mailchimp.count("PUT") == 0
