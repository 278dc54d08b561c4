"""Values are shown for people on the CRM's record pages and listings, in Japanese and in English:
はい/いいえ, — for nothing, ¥1,000 and 毎月 ¥1,000, Japan time in the language's own format; never
Python's True/False/None, bare 1000 or a UTC timestamp."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from crm import display
from crm.factories import DonationFactory, DonorFactory, RecurringDonationFactory
from tests.crm.test_admin_fixtures import superuser_fixture  # noqa: F401  (fixture)

# 2026-12-03 05:05 UTC is 14:05 in Tokyo.
RECEIVED = datetime.datetime(2026, 12, 3, 5, 5, 42, 123456, tzinfo=datetime.UTC)


def speaks(user, language: str):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def record_values(page: str) -> str:
    """The record's definition list (labels and values), without the page around it."""
    return " ".join(re.findall(r"<dl>(.*?)</dl>", page, re.S))


def assert_no_python_values(text: str):
    for raw in ("True", "False", "None", "+00:00", "05:05", "JPY/"):
        assert not re.search(rf"(?<![\w/]){re.escape(raw)}", text), raw


# --- the helpers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ja",
            [
                "はい",
                "いいえ",
                "—",
                "¥1,000",
                "毎月 ¥1,000",
                "毎年 ¥12,000",
                "2026年12月3日 14:05",
                "2026年12月3日",
            ],
        ),
        (
            "en",
            [
                "Yes",
                "No",
                "—",
                "¥1,000",
                "¥1,000 monthly",
                "¥12,000 yearly",
                "Dec. 3, 2026, 14:05",
                "Dec. 3, 2026",
            ],
        ),
    ],
)
def test_values_for_people_in_both_languages(language, expected):
    with translation.override(language):
        found = [
            display.for_people(True),
            display.for_people(False),
            display.for_people(None),
            display.money(1000),
            display.money_per_interval(1000, "JPY", "month"),
            display.money_per_interval(12000, "JPY", "year"),
            display.for_people(RECEIVED),
            display.day(RECEIVED),
        ]
    assert found == expected


def test_other_currencies_and_empty_values():
    assert display.money(2500, "usd") == "2,500 USD"
    assert display.money(None) == display.for_people("") == display.for_people([]) == "—"
    assert display.for_people(1234567) == "1,234,567"


# --- the record pages ---------------------------------------------------------------------------------


@pytest.fixture
def gift(db):
    donor = DonorFactory(family_name="山田", given_name="花子", postal_code="", address_line="")
    RecurringDonationFactory(donor=donor, amount=1000)
    return DonationFactory(donor=donor, amount=12345, amount_refunded=0, received_at=RECEIVED, external_id="")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", ["¥12,345", "2026年12月3日 14:05", "クレジットカード", "—"]),
        ("en", ["¥12,345", "Dec. 3, 2026, 14:05", "Card", "—"]),
    ],
)
def test_the_gift_record_reads_for_people(client, superuser, gift, language, expected):
    client.force_login(speaks(superuser, language))
    page = client.get(reverse("crm_donation:inspect", args=[gift.pk]))
    assert page.status_code == 200
    values = record_values(page.content.decode())
    for text in expected:
        assert text in values, text
    assert_no_python_values(values)
    assert not re.search(r"<dd>\s*12345\s*</dd>", values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", ["¥12,345", "毎月 ¥1,000", "2026年12月3日", "いいえ", "—"]),
        ("en", ["¥12,345", "¥1,000 monthly", "Dec. 3, 2026", "No", "—"]),
    ],
)
def test_the_donor_record_reads_for_people(client, superuser, gift, language, expected):
    client.force_login(speaks(superuser, language))
    page = client.get(reverse("crm_donor:inspect", args=[gift.donor_id]))
    assert page.status_code == 200
    html = page.content.decode()
    values = record_values(html)
    for text in expected:
        assert text in html, text
    assert_no_python_values(values)
    # The timeline names the gift in money, in Japan time.
    assert ("寄付: ¥12,345" if language == "ja" else "Donation: ¥12,345") in html


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "monthly"), [("ja", "毎月 ¥1,000"), ("en", "¥1,000 monthly")])
def test_the_monthly_member_record_and_listings_show_money(client, superuser, gift, language, monthly):
    client.force_login(speaks(superuser, language))
    membership = gift.donor.recurring_donations.get()
    record = client.get(reverse("crm_monthly_member:inspect", args=[membership.pk])).content.decode()
    assert monthly in record_values(record)
    assert_no_python_values(record_values(record))
    assert monthly in client.get(reverse("crm_monthly_member:index")).content.decode()
    assert "¥12,345" in client.get(reverse("crm_donation:index")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "yes", "no"), [("ja", "はい", "いいえ"), ("en", "Yes", "No")])
def test_listing_ticks_and_crosses_say_yes_and_no(client, superuser, language, yes, no):
    from crm.companies.models import PartnerCompany

    PartnerCompany.objects.create(name="ヤマハ発動機株式会社", show_on_site=True)
    PartnerCompany.objects.create(name="株式会社メルカリ", show_on_site=False)
    client.force_login(speaks(superuser, language))
    listing = client.get(reverse("crm_company:index")).content.decode()
    # The icon's words for screen readers (Wagtail's icon.html: an sr-only span after the svg).
    titles = re.findall(
        r'icon-(?:check|cross)[^"]*"[^>]*>.*?</svg>\s*<span class="w-sr-only">\s*([^<]*?)\s*</span>',
        listing,
        re.S,
    )
    assert sorted(titles) == sorted([yes, no]), titles
