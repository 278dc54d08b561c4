"""Concurrent writers on one donor (PostgreSQL): the summary still equals a recount from scratch.

A recount (after an update or delete) locks the summary rows before reading the donations, so a
gift another transaction added meanwhile is counted, not overwritten by a stale total.
"""

import threading

import pytest
from django.db import connection, transaction

from crm.factories import DonationFactory, DonorFactory
from crm.models import Donation
from tests.crm.test_giving import assert_all_right, stored

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_gifts_added_refunded_and_moved_at_the_same_time():
    donor, other = DonorFactory(), DonorFactory()
    gifts = DonationFactory.create_batch(6, donor=donor, amount=1000)
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def run(work):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                work()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    def add():
        for _ in range(20):
            Donation.objects.create(donor=donor, amount=500)

    def refund():
        for gift in gifts[:3]:
            Donation.objects.filter(pk=gift.pk).update(amount_refunded=400)

    def move():
        Donation.objects.filter(pk__in=[g.pk for g in gifts[3:]]).update(donor=other)

    threads = [threading.Thread(target=run, args=(work,)) for work in (add, refund, move)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert stored(donor.pk)["lifetime_value"] == 3 * 600 + 20 * 500
    assert stored(other.pk)["lifetime_value"] == 3 * 1000
    assert_all_right()
