import pytest
from django.core.cache import cache

from crm.models import Donor
from tests.mailchimp_fake.fixtures import fake_mailchimp_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def form(**kw):
    return {
        "family_name": "Sato",
        "given_name": "Aiko",
        "email": "aiko@example.org",
        "language": "en",
        "website": "",
        **kw,
    }


def test_signup_creates_pending_donor_and_pending_member(
    client, fake_mailchimp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/newsletter/", form())
    assert response.status_code == 302 and response["Location"].endswith("/en/newsletter/thanks/")
    donor = Donor.objects.get(email="aiko@example.org")
    assert donor.newsletter_status == Donor.NewsletterStatus.PENDING
    member = fake_mailchimp.member("aiko@example.org")
    assert member["status"] == "pending" and member["language"] == "en"


def test_known_subscriber_gets_same_thanks_and_stays_subscribed(
    client, fake_mailchimp, django_capture_on_commit_callbacks
):
    Donor.objects.create(email="aiko@example.org", newsletter_status="subscribed", given_name="Aiko")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/newsletter/", form())
    assert response.status_code == 302 and response["Location"].endswith("/en/newsletter/thanks/")
    assert Donor.objects.get(email="aiko@example.org").newsletter_status == "subscribed"


def test_honeypot_and_validation(client):
    response = client.post("/newsletter/", form(website="http://spam"))
    assert response.status_code == 302
    assert not Donor.objects.exists()
    response = client.post("/newsletter/", form(email="not-an-email"))
    assert response.status_code == 200 and not Donor.objects.exists()


def test_rate_limit_per_ip(client, settings):
    from django.core.cache import cache

    settings.RATELIMIT_ENABLE = True  # off for the rest of the suite (cms.settings.test)
    cache.clear()
    statuses = [
        client.post("/newsletter/", form(email=f"x{i}@example.org", website="bot")).status_code
        for i in range(7)
    ]
    assert statuses[:5] == [302] * 5 and statuses[5:] == [429, 429]


def test_form_renders_without_js(client):
    response = client.get("/newsletter/")
    assert response.status_code == 200 and b'name="email"' in response.content
