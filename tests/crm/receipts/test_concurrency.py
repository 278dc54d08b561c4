"""Receipt numbers under concurrency (PostgreSQL): many processes' worth of threads, one sequence."""

import threading

import pytest
from django.db import connection

from crm.factories import DonationFactory
from crm.models import Receipt, ReceiptDispatch
from crm.receipts import services
from crm.receipts.services import annual

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_content_types():
    # An earlier transactional test flushed the tables: content-type ids cached in this process
    # may no longer exist, and Wagtail's reference index would write them.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def _together(works):
    barrier = threading.Barrier(len(works))
    errors: list[BaseException] = []

    def run(work):
        try:
            barrier.wait(timeout=20)
            work()
        except BaseException as error:  # reported in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in works]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def test_parallel_issuing_gives_unique_sequential_numbers_and_one_receipt_per_gift():
    gifts = DonationFactory.create_batch(24)
    # Eight workers, each issuing every gift: each gift still gets exactly one receipt.
    _together([lambda: [services.receipt_issue_for_gift(donation=g) for g in gifts] for _ in range(8)])
    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    year = Receipt.objects.first().issued_on.year
    assert numbers == [f"R{year}-{i:06d}" for i in range(1, 25)]


def test_the_same_receipt_emailed_by_parallel_tasks_goes_once(mailoutbox):
    receipt = services.receipt_issue_for_gift(donation=DonationFactory())
    _together([lambda: services.receipt_email_send(receipt_id=receipt.pk) for _ in range(6)])
    assert len(mailoutbox) == 1
    assert ReceiptDispatch.objects.get(receipt=receipt).state == "sent"


def test_parallel_senders_of_a_run_share_the_work_without_overlap(mailoutbox):
    import datetime
    import zoneinfo

    from crm.models import AnnualReceiptRun

    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    for _ in range(30):
        DonationFactory(received_at=datetime.datetime(2025, 5, 1, tzinfo=tokyo))
    run = AnnualReceiptRun.objects.create(year=2025)
    services.annual_run_advance(run_id=run.pk, deliver=False)
    annual.ANNUAL_SEND_CHUNK, old = 4, annual.ANNUAL_SEND_CHUNK
    try:
        _together([lambda: services.annual_run_deliver_and_finish(run_id=run.pk) for _ in range(3)])
    finally:
        annual.ANNUAL_SEND_CHUNK = old
    assert len(mailoutbox) == 30
    assert len({m.to[0] for m in mailoutbox}) == 30
    run.refresh_from_db()
    assert run.status == "done" and run.emails_sent == 30
