"""The Wagtail admin in Japanese: the main menu's 「ページ」 stays Wagtail's word (our pagination "Pages"
has a context), and the screens our staff open show none of Wagtail's own messages left in English
(Wagtail 8 ships some untranslated in ja; cms/wagtail_strings.py lists the ones we translate)."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from crm.factories import DonorFactory
from tests.crm.test_admin_fixtures import superuser_fixture  # noqa: F401  (fixture)
from tests.i18n.catalogs import wagtail_msgids


def speaks(user, language: str):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def menu_labels(page: str) -> list[str]:
    """The sidebar's labels: Wagtail sends the menu as JSON in a script element."""
    labels = []
    for script in re.findall(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', page, re.S):
        labels += re.findall(
            r'"label": "((?:[^"\\]|\\.)*)"', json.dumps(json.loads(script), ensure_ascii=False)
        )
    return labels


def visible_texts(page: str) -> set[str]:
    """Each piece of text a person reads: text between tags, titles, placeholders, labels, menu labels."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    texts = {html.unescape(t).strip() for t in re.findall(r">([^<>]+)<", page)}
    texts |= {
        html.unescape(t).strip()
        for t in re.findall(
            r'\b(?:title|placeholder|aria-label|data-w-tooltip-content-value)="([^"]+)"', page
        )
    }
    return {" ".join(t.split()) for t in texts if t.strip()}


@pytest.mark.django_db
def test_the_admin_menu_says_pages_in_japanese_not_pagination(client, superuser):
    client.force_login(speaks(superuser, "ja"))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    labels = menu_labels(home)
    assert "ページ" in labels
    assert "ページ送り" not in home
    # The pagination of our own screens keeps its word.
    with translation.override("ja"):
        assert translation.pgettext("pagination", "Pages") == "ページ送り"
        assert translation.gettext("Pages") == "ページ"


SCREENS = [
    ("wagtailadmin_home", ()),
    ("wagtailadmin_explore_root", ()),
    ("wagtailadmin_reports:locked_pages", ()),
    ("wagtailadmin_reports:aging_pages", ()),
    ("wagtailadmin_reports:site_history", ()),
    ("wagtailadmin_reports:page_types_usage", ()),
    ("wagtailadmin_reports:workflow", ()),
    ("wagtailsnippets_home_testimonial:list", ()),
    ("wagtailsnippets_home_testimonial:add", ()),
    ("wagtailsnippets_home_mediamention:list", ()),
    ("wagtailimages:index", ()),
    ("wagtaildocs:index", ()),
    ("wagtailusers_users:index", ()),
    ("wagtailusers_groups:index", ()),
    ("wagtailadmin_account", ()),
    ("crm_donor:index", ()),
    ("crm_donor:add", ()),
    ("crm_donation:index", ()),
    ("crm_monthly_member:index", ()),
    ("crm_company:index", ()),
    ("crm_interaction:index", ()),
    ("crm_segment:index", ()),
]


def _untranslated_wagtail_texts(page: str, wagtail_texts: set[str]) -> set[str]:
    with translation.override("ja"):
        return {
            text
            for text in visible_texts(page)
            if text in wagtail_texts and re.search("[A-Za-z]{2}", text) and translation.gettext(text) == text
        }


@pytest.mark.django_db
def test_wagtail_screens_our_staff_open_show_no_english_wagtail_message(client, superuser):
    DonorFactory(family_name="山田", given_name="花子")
    client.force_login(speaks(superuser, "ja"))
    wagtail_texts = {msgid for _context, msgid in wagtail_msgids()}
    found = {}
    for name, args in SCREENS:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        english = _untranslated_wagtail_texts(response.content.decode(), wagtail_texts)
        english -= WRITTEN_THE_SAME
        if english:
            found[name] = sorted(english)
    assert not found, "\n".join(f"{name}: {texts}" for name, texts in found.items())


#: Wagtail messages that read the same in a Japanese admin.
WRITTEN_THE_SAME = {"ID", "URL", "Email", "PDF", "CSV", "XLSX"}
