"""The campaign page cache follows exactly what the page shows, and nothing else.

home/apps.py connects each receiver with its sender: a membership or a gift (the live member counter),
a partner company, the pages and snippets. A save of anything else (a donor's address) keeps the cache.
"""

import json

import pytest
from django.core.cache import cache
from wagtail.models import Page, Site

from crm.factories import DonorFactory, PartnerCompanyFactory, RecurringDonationFactory
from crm.models import RecurringDonation
from home import cache as page_cache
from home import factories
from tests.home.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_counter_page(locales):
    root = Page.get_first_root_node()
    home = factories.HomePageFactory(parent=root, title="WELgeeファミリー", slug="welgee-home")
    Site.objects.all().delete()
    Site.objects.create(
        hostname="testserver", port=80, root_page=home, is_default_site=True, site_name="WELgee"
    )
    home.body = json.dumps(
        [
            {
                "type": "member_counter",
                "value": {
                    "label": "現在のファミリー",
                    "count": 502,
                    "as_of": "2024-03-12",
                    "use_live_count": True,
                    "note": "",
                },
            },
            {"type": "partners", "value": {"heading": "協働企業", "intro": ""}},
        ]
    )
    return publish(home)


def _count_on_page(client) -> int:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    return int(html.split('<data value="', 1)[1].split('"', 1)[0])


def test_a_new_membership_shows_on_the_next_request(
    client, live_counter_page, django_capture_on_commit_callbacks
):
    RecurringDonationFactory.create_batch(2)
    cache.clear()
    assert _count_on_page(client) == 2
    assert client.get("/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        RecurringDonationFactory()
    assert _count_on_page(client) == 3

    membership = RecurringDonation.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        membership.status = RecurringDonation.Status.CANCELED
        membership.save()
    assert _count_on_page(client) == 2


def test_a_partner_company_change_shows_on_the_next_request(client, live_counter_page):
    partner = PartnerCompanyFactory(name="コニカミノルタ株式会社", show_on_site=True)
    assert "コニカミノルタ株式会社" in client.get("/").content.decode()
    partner.name = "株式会社ユニクロ"
    partner.save()
    html = client.get("/").content.decode()
    assert "株式会社ユニクロ" in html and "コニカミノルタ" not in html


def test_saving_something_the_page_does_not_show_keeps_the_cache(client, live_counter_page):
    client.get("/")
    generation = cache.get(page_cache.GENERATION_KEY)
    donor = DonorFactory()
    donor.family_name = "山田"
    donor.save()
    assert cache.get(page_cache.GENERATION_KEY) == generation
    assert client.get("/")["X-Page-Cache"] == "hit"
