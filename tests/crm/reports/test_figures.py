"""Dashboard figures and reports on fixed data, with the clock frozen, against values worked out by
hand (the comments show the working)."""

import datetime

import pytest

from crm.factories import DonorFactory
from crm.reports import selectors
from crm.reports.selectors import Period
from tests.crm.reports.conftest import TODAY, at, gift, membership

pytestmark = pytest.mark.django_db


def test_members_mrr_and_movement_per_month(family):
    period = Period(first=datetime.date(2025, 10, 1), last=datetime.date(2026, 3, 1), today=TODAY)
    months = {m.start.strftime("%Y-%m"): m for m in selectors.membership_months(period)}
    assert list(months) == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    # Month ends: Oct a,d; Nov +b; Dec +c (¥120,000 a year = ¥10,000 a month); Jan b left, e came;
    # Feb d past due since 15 Feb, e changed amount; Mar (to today) b back.
    assert [m.members for m in months.values()] == [2, 3, 4, 4, 3, 4]
    assert [m.mrr_jpy for m in months.values()] == [4000, 9000, 19000, 16000, 15000, 18000]
    assert [m.new for m in months.values()] == [1, 1, 1, 1, 0, 0]  # d, b, c, e
    assert [m.returning for m in months.values()] == [0, 0, 0, 0, 0, 1]  # b in March
    assert [m.lost for m in months.values()] == [0, 0, 0, 1, 0, 0]  # b in January; e's change is no loss

    head = selectors.headline()
    # Today's point is the headline: members with an active monthly gift, and the MRR.
    assert (head.active_members, head.mrr_jpy) == (months["2026-03"].members, months["2026-03"].mrr_jpy)
    assert (
        head.donations_total_jpy == 1000 + 3000 + 20_000 + 50_000 + 10_000 + 1000 + 7000 + 5000 + 8000 + 4000
    )


def test_cohort_table(family):
    period = Period(first=datetime.date(2025, 10, 1), last=datetime.date(2026, 3, 1), today=TODAY)
    table = {c.start.strftime("%Y-%m"): c for c in selectors.cohorts(period)}
    assert list(table) == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    # d joined in October and fell past due in February.
    assert table["2025-10"].joined == 1
    assert table["2025-10"].retained[:7] == [1, 1, 1, 1, 0, 0, None]
    assert table["2025-10"].percents[:5] == [100, 100, 100, 100, 0]
    # b joined in November and left in January (coming back in March is a new gift, not this one).
    assert table["2025-11"].retained[:6] == [1, 1, 0, 0, 0, None]
    # c still gives; months after March have not happened yet.
    assert table["2025-12"].retained[:5] == [1, 1, 1, 1, None]
    assert table["2026-01"].retained[:3] == [1, 0, 0]  # e changed amount in February
    assert table["2026-02"].joined == table["2026-03"].joined == 0


def test_tiers_income_audience_funnel_and_like_for_like(family):
    assert selectors.members_by_tier() == {"other": 0, "1000": 3, "5000": 0, "10000": 1}  # a, b, e; c

    period = Period(first=datetime.date(2025, 10, 1), last=datetime.date(2026, 3, 1), today=TODAY)
    income = {m.start.strftime("%Y-%m"): m for m in selectors.income_months(period)}
    oct_, nov, mar = income["2025-10"], income["2025-11"], income["2026-03"]
    assert (oct_.monthly_jpy, oct_.one_off_jpy, oct_.bank_transfer_jpy) == (4000, 20_000, 50_000)
    assert (nov.monthly_jpy, nov.one_off_jpy, nov.bank_transfer_jpy) == (0, 6000, 0)  # net of a refund
    assert (mar.monthly_jpy, mar.one_off_jpy, mar.total_jpy) == (1000, 7000, 8000)

    audience = selectors.newsletter_audience()
    assert audience == {"subscribed": 3, "unsubscribed": 1, "pending": 1, "cleaned": 1, "never": 5}

    funnel = selectors.facebook_funnel()
    assert (funnel.eligible, funnel.invited, funnel.joined, funnel.removed) == (4, 3, 2, 1)
    assert funnel.by_status["joined"] == 1 and funnel.by_status["removal_due"] == 0

    # 1-10 March 2026 against 1-10 March 2025 (not the whole of last March).
    comparison = selectors.month_so_far(today=TODAY)
    assert (comparison.this_year_jpy, comparison.last_year_jpy) == (8000, 5000)
    assert comparison.change_signed == "+60"


def test_reports_list_the_right_donors(family):
    p = family

    def names(report, **filters):
        return set(selectors.report_donors(selectors.report_rule_tree(report, **filters), today=TODAY))

    assert names("lybunt") == {p["d"], p["f"], p["g"], p["h"], p["j"]}  # gave in 2025, not in 2026
    assert names("sybunt") == {p["d"], p["f"], p["g"], p["h"], p["j"], p["l"]}  # l: 2024 only
    assert names("at_risk") == {p["d"]}
    assert names("lybunt", min_lifetime=15_000) == {p["f"], p["g"]}
    top = list(selectors.report_donors(selectors.report_rule_tree("top_donors"), today=TODAY))
    assert [d.lifetime_value for d in top[:3]] == [50_000, 20_000, 13_000]  # g, f, j

    rows = list(selectors.gifts_by_month_method(year=2025))
    october_card = next(r for r in rows if r["month"].month == 10 and r["method"] == "card")
    assert (october_card["gifts"], october_card["gross"]) == (3, 1000 + 3000 + 20_000)
    november = next(r for r in rows if r["month"].month == 11)
    assert (november["gross"], november["refunded"]) == (10_000, 4000)

    first_year = selectors.first_year_retention(year=2025, today=TODAY)
    assert [(r.start.month, r.joined) for r in first_year if r.joined] == [(9, 1), (10, 1), (11, 1), (12, 1)]
    assert all(r.retained is None for r in first_year if r.start.month >= 4)  # no year has passed yet


def test_dashboard_takes_a_fixed_number_of_queries(family, django_assert_num_queries):
    period = Period.ending(today=TODAY)
    with django_assert_num_queries(16) as captured:  # 15 and the failed renewals by month
        selectors.dashboard(period=period)
    for _ in range(10):
        donor = DonorFactory()
        gift(donor, 1000, at(2026, 1, 1), recurring=membership(donor, 1000, at(2025, 12, 24)))
    with django_assert_num_queries(len(captured.captured_queries)):
        selectors.dashboard(period=Period(first=datetime.date(2022, 1, 1), last=period.last, today=TODAY))


def test_income_months_split_gifts_at_midnight_in_tokyo():
    """A gift at 23:59:59 on 31 October (Tokyo) is October's, one at midnight is November's; gifts
    outside the period count nowhere."""
    from tests.crm.reports.conftest import JST

    donor = DonorFactory()
    gift(donor, 1000, datetime.datetime(2025, 10, 31, 23, 59, 59, tzinfo=JST))
    gift(donor, 2000, datetime.datetime(2025, 11, 1, 0, 0, tzinfo=JST))
    gift(donor, 4000, datetime.datetime(2025, 9, 30, 23, 59, 59, tzinfo=JST))  # before the period
    gift(donor, 8000, datetime.datetime(2026, 3, 11, 0, 0, tzinfo=JST))  # after today
    period = Period(first=datetime.date(2025, 10, 1), last=datetime.date(2026, 3, 1), today=TODAY)
    income = {m.start.strftime("%Y-%m"): m.total_jpy for m in selectors.income_months(period)}
    assert income == {
        "2025-10": 1000,
        "2025-11": 2000,
        "2025-12": 0,
        "2026-01": 0,
        "2026-02": 0,
        "2026-03": 0,
    }


def test_reports_break_ties_in_lifetime_value_by_donor_id():
    donors = [DonorFactory() for _ in range(4)]
    for donor in donors:
        gift(donor, 5000, at(2024, 6, 1))  # each gave 2024 only: all SYBUNT, all ¥5,000
    gift(donors[2], 1000, at(2024, 7, 1))
    listed = list(selectors.report_donors(selectors.report_rule_tree("sybunt"), today=TODAY))
    assert listed == [donors[2], donors[0], donors[1], donors[3]]
