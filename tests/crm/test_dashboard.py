"""The fundraisers' dashboard on the admin home: right figures, few queries, fundraisers only."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from crm.dashboard.selectors import dashboard_figures
from crm.factories import DonationFactory, DonorFactory, RecurringDonationFactory
from crm.models import Donation, RecurringDonation
from tests.crm.test_admin_fixtures import communications_fixture, fundraiser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_figures_count_members_money_and_year_on_year():
    staying = DonorFactory()
    RecurringDonationFactory(donor=staying, amount=3000, started_at=at(datetime.date(2025, 6, 1)))
    joined = DonorFactory()
    RecurringDonationFactory(donor=joined, amount=1000, started_at=at(datetime.date(2026, 11, 5)))
    left = DonorFactory()
    RecurringDonationFactory(
        donor=left,
        amount=5000,
        status=RecurringDonation.Status.CANCELED,
        started_at=at(datetime.date(2026, 1, 10)),
        canceled_at=at(datetime.date(2026, 11, 10)),
    )
    DonationFactory(donor=staying, amount=3000, received_at=at(datetime.date(2026, 11, 1)))
    refunded_in_part = DonationFactory(donor=joined, amount=10000, received_at=at(datetime.date(2026, 11, 6)))
    Donation.objects.filter(pk=refunded_in_part.pk).update(amount_refunded=4000)
    DonationFactory(donor=left, amount=5000, received_at=at(datetime.date(2025, 11, 20)))
    DonationFactory(
        donor=left, amount=2000, received_at=at(datetime.date(2025, 12, 20))
    )  # after "today" last year
    DonationFactory(
        donor=left, amount=9999, status=Donation.Status.FAILED, received_at=at(datetime.date(2026, 11, 7))
    )

    f = dashboard_figures(today=TODAY, use_cache=False)

    assert (f.active_members, f.joined_this_month, f.canceled_this_month) == (2, 1, 1)
    assert f.mrr_jpy == 4000
    assert f.received_this_month_jpy == 3000 + 6000
    assert f.received_same_month_last_year_jpy == 5000
    assert f.month_change_percent == 80 and f.month_change_signed == "+80"
    assert f.received_last_year_to_date_jpy == 5000
    assert [m.start for m in f.months][-1] == datetime.date(2026, 11, 1)
    assert len(f.months) == 12 and f.months[0].start == datetime.date(2025, 12, 1)
    by_month = {m.start: m for m in f.months}
    assert by_month[datetime.date(2026, 10, 1)].members == 2  # staying + left (not yet canceled)
    assert by_month[datetime.date(2026, 11, 1)].members == 2  # staying + joined; left canceled
    assert by_month[datetime.date(2025, 12, 1)].received_jpy == 2000


def test_query_count_does_not_grow_with_data(django_assert_max_num_queries):
    for _ in range(30):
        donor = DonorFactory()
        RecurringDonationFactory(donor=donor)
        DonationFactory(donor=donor)
    with django_assert_max_num_queries(13):  # 9 + the four lists of crm.reports.panel_activity
        dashboard_figures(today=TODAY, use_cache=False)


def test_panel_is_on_the_fundraisers_home_only(client, fundraiser, communications):
    member = DonorFactory()
    RecurringDonationFactory(donor=member)
    client.force_login(fundraiser)
    html = client.get("/admin/").content.decode()
    assert 'id="crm-dashboard' in html
    assert 'data-figure="active_members">1<' in html

    client.force_login(communications)
    assert 'id="crm-dashboard' not in client.get("/admin/").content.decode()


def test_panel_is_cached_between_visits(client, fundraiser, django_assert_max_num_queries):
    client.force_login(fundraiser)
    client.get("/admin/")
    with django_assert_max_num_queries(30) as captured:
        client.get("/admin/")
    assert not any("crm_donation" in q["sql"] for q in captured.captured_queries)
