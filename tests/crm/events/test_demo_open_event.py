"""The demo has an open event with a published public page, in the site's menu, in both languages."""

import datetime as dt

import pytest
from wagtail.models import Locale, Site

from crm.events.demo import load_open_event_page
from crm.models import EventPage

pytestmark = pytest.mark.django_db
AS_OF = dt.datetime(2026, 12, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def test_demo_open_event_page_is_published_in_the_menu_and_loaded_once(client):
    home = Site.objects.get(is_default_site=True).root_page
    english, _created = Locale.objects.get_or_create(language_code="en")
    home.copy_for_translation(english).save_revision().publish()

    page = load_open_event_page(as_of=AS_OF)
    load_open_event_page(as_of=AS_OF)  # a second load adds nothing

    pages = EventPage.objects.filter(event=page.event)
    assert pages.count() == 2
    assert all(p.live and p.show_in_menus for p in pages)
    assert page.event.is_open and page.event.starts_at > AS_OF
    assert page.get_parent().pk == home.pk  # under the home page: the header and footer menus list it
    html = client.get(page.url).content.decode()
    assert "難民の若者と、ともに働く" in html
    english_page = pages.get(locale=english)
    assert english_page.title == "Events"
    assert "working together with young refugees" in client.get(english_page.url).content.decode()
