"""Fixed data for the reports' tests: a small family of donors whose figures are worked out by hand
(tests/crm/reports/test_figures.py shows the working), and a clock frozen on 10 March 2026."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from crm.factories import DonationFactory, DonorFactory, RecurringDonationFactory
from crm.models import Donation, FacebookGroupInvitation, RecurringDonation

JST = ZoneInfo("Asia/Tokyo")
TODAY = datetime.date(2026, 3, 10)


def at(y: int, m: int, d: int) -> datetime.datetime:
    return datetime.datetime(y, m, d, 12, tzinfo=JST)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 15, tzinfo=JST), tick=False):
        yield


def membership(donor, amount, started, *, status="active", canceled=None, changed=None, interval="month"):
    gift = RecurringDonationFactory(
        donor=donor, amount=amount, interval=interval, status=status, started_at=started, canceled_at=canceled
    )
    RecurringDonation.objects.filter(pk=gift.pk).update(status_changed_at=changed or canceled or started)
    return gift


def gift(donor, amount, when, *, recurring=None, method="card", refunded=0, status="succeeded"):
    d = DonationFactory(
        donor=donor,
        amount=amount,
        received_at=when,
        recurring_donation=recurring,
        method=method,
        status=status,
    )
    if refunded:
        Donation.objects.filter(pk=d.pk).update(amount_refunded=refunded)
    return d


@pytest.fixture
def family():
    p = {name: DonorFactory(newsletter_status=status) for name, status in [
        ("a", "subscribed"), ("b", "subscribed"), ("c", "unsubscribed"), ("d", "subscribed"), ("e", "pending"),
        ("f", "never"), ("g", "never"), ("h", "cleaned"), ("j", "never"), ("k", "never"), ("l", "never"),
    ]}  # fmt: skip
    a = membership(p["a"], 1000, at(2025, 9, 15))
    membership(p["b"], 5000, at(2025, 11, 5), status="canceled", canceled=at(2026, 1, 20))
    membership(p["b"], 3000, at(2026, 3, 2))  # returns after a gap
    membership(p["c"], 120_000, datetime.datetime(2025, 12, 1, 12, tzinfo=JST), interval="year")
    d = membership(p["d"], 3000, at(2025, 10, 10), status="past_due", changed=at(2026, 2, 15))
    membership(p["e"], 2000, at(2026, 1, 5), status="canceled", canceled=at(2026, 2, 10))
    membership(p["e"], 4000, at(2026, 2, 10))  # a change of amount: neither lost nor returning

    gift(p["a"], 1000, at(2025, 10, 15), recurring=a)
    gift(p["d"], 3000, at(2025, 10, 10), recurring=d)
    gift(p["f"], 20_000, at(2025, 10, 20))
    gift(p["g"], 50_000, at(2025, 10, 25), method="bank_transfer")
    gift(p["h"], 10_000, at(2025, 11, 3), refunded=4000)
    gift(p["h"], 9999, at(2025, 11, 4), status="failed")
    gift(p["a"], 1000, at(2026, 3, 5), recurring=a)
    gift(p["k"], 7000, at(2026, 3, 9))
    gift(p["j"], 5000, at(2025, 3, 8))  # within the same days last year (1-10 March)
    gift(p["j"], 8000, at(2025, 3, 20))  # after them
    gift(p["l"], 4000, at(2024, 6, 1))  # gave only the year before last

    for name, status, stamps in [
        ("a", "joined", {"invited_at": at(2025, 9, 20), "joined_at": at(2025, 9, 22)}),
        ("c", "invited", {"invited_at": at(2025, 12, 3)}),
        ("d", "eligible", {}),
        ("b", "removed", {"invited_at": at(2025, 11, 7), "joined_at": at(2025, 11, 9), "removed_at": at(2026, 1, 25)}),
    ]:  # fmt: skip
        FacebookGroupInvitation.objects.create(donor=p[name], status=status, **stamps)
    return p
