"""The annual run: one statement per donor who gave, delivered as chosen, resumable without sending twice."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail

from crm.factories import DonationFactory, DonorFactory, RecurringDonationFactory
from crm.models import AnnualReceiptRun, Donation, Interaction, Receipt, ReceiptDispatch
from crm.receipts import services
from crm.receipts.services import annual
from tests.crm.receipts.helpers import pdf_pages

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
JANUARY = datetime.datetime(2026, 1, 15, 10, 0, tzinfo=TOKYO)
pytestmark = pytest.mark.django_db


def _in_2025(donor, amount, month, **kwargs):
    return DonationFactory(
        donor=donor, amount=amount, received_at=datetime.datetime(2025, month, 5, 10, tzinfo=TOKYO), **kwargs
    )


@pytest.fixture
def givers():
    email = DonorFactory(family_name="田中", given_name="一郎")
    post = DonorFactory(receipt_delivery="post", family_name="鈴木", postal_code="100-0001")
    member = DonorFactory(preferred_language="en", family_name="Brown", given_name="Lee")
    monthly = RecurringDonationFactory(donor=member)
    for month in range(1, 13):
        _in_2025(member, 3000, month, recurring_donation=monthly)
    _in_2025(email, 10000, 4)
    _in_2025(email, 5000, 9, amount_refunded=2000)
    _in_2025(email, 7000, 10, status=Donation.Status.REFUNDED, amount_refunded=7000)
    _in_2025(post, 20000, 6)
    DonationFactory(received_at=datetime.datetime(2024, 12, 31, 23, tzinfo=TOKYO))  # another year
    DonationFactory(received_at=datetime.datetime(2026, 1, 1, 0, 30, tzinfo=TOKYO))
    return {"email": email, "post": post, "member": member}


@time_machine.travel(JANUARY, tick=False)
def test_a_run_issues_sends_and_batches(givers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.annual_run_start(year=2025)
    run.refresh_from_db()
    assert run.status == "done" and run.percent == 100
    assert (run.donors_total, run.statements_issued, run.emails_sent, run.posted) == (3, 3, 2, 1)
    statements = {r.donor_id: r for r in Receipt.objects.filter(kind="annual")}
    assert sorted(r.number for r in statements.values()) == ["A2025-000001", "A2025-000002", "A2025-000003"]
    assert statements[givers["email"].pk].amount == 13000  # refunds taken off
    assert (
        statements[givers["member"].pk].purpose == "monthly"
        and statements[givers["member"].pk].amount == 36000
    )
    by_address = {m.to[0]: m for m in mail.outbox}
    english = by_address[givers["member"].email]
    assert "2025" in english.subject and "Dear Lee Brown" in english.body
    text = pdf_pages(english.attachments[0][1])[0]
    assert (
        "Annual Statement of Gifts" in text
        and "¥36,000 (JPY)" in text
        and "As a monthly membership gift" in text
    )
    japanese = pdf_pages(by_address[givers["email"].pk and givers["email"].email].attachments[0][1])[0]
    assert "年間寄付金領収書" in japanese and "￥13,000円" in japanese and "2025年1月1日" in japanese
    assert run.print_batch.page_count == 1
    assert statements[givers["post"].pk].print_batch == run.print_batch
    assert Interaction.objects.filter(summary__contains="A2025-").count() == 3
    # Running it again changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.annual_run_start(year=2025)
    assert len(mail.outbox) == 2 and Receipt.objects.filter(kind="annual").count() == 3


@time_machine.travel(JANUARY, tick=False)
def test_a_run_that_crashed_while_sending_resumes_without_sending_twice(givers, settings):
    run = AnnualReceiptRun.objects.create(year=2025)
    services.annual_run_advance(run_id=run.pk, deliver=False)
    run.refresh_from_db()
    assert run.status == "delivering" and run.statements_issued == 3
    # The first email went; the process died before recording it as sent.
    first = Receipt.objects.filter(annual_run=run, delivery="email").order_by("pk").first()
    ReceiptDispatch.objects.create(receipt=first, channel="email", key=f"email:{first.pk}:0")
    run = services.annual_run_advance(run_id=run.pk)
    assert run.status == "done"
    assert len(mail.outbox) == 1  # only the one never tried
    assert ReceiptDispatch.objects.get(receipt=first).state == "sending"  # unknown: for a person to check


@time_machine.travel(JANUARY, tick=False)
def test_a_run_that_crashed_while_issuing_resumes_from_its_cursor(givers, monkeypatch):
    monkeypatch.setattr(annual, "ANNUAL_ISSUE_CHUNK", 1)
    run = AnnualReceiptRun.objects.create(year=2025)
    calls = {"n": 0}
    real = annual._issue_annual_statements

    def crash_on_second_chunk(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(annual, "_issue_annual_statements", crash_on_second_chunk)
    with pytest.raises(RuntimeError):
        services.annual_run_advance(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and run.statements_issued == 1 and "worker killed" in run.error
    monkeypatch.setattr(annual, "_issue_annual_statements", real)
    run = services.annual_run_advance(run_id=run.pk)
    assert run.status == "done" and run.statements_issued == 3
    numbers = sorted(Receipt.objects.filter(kind="annual").values_list("number", flat=True))
    assert numbers == ["A2025-000001", "A2025-000002", "A2025-000003"]  # no gap, no reuse


@time_machine.travel(JANUARY, tick=False)
def test_a_refund_after_the_statement_voids_it_and_issues_a_corrected_one(givers):
    run = AnnualReceiptRun.objects.create(year=2025)
    services.annual_run_advance(run_id=run.pk)
    gift = Donation.objects.filter(donor=givers["post"]).get()
    services.receipt_issue_for_gift(donation=gift)
    Donation.objects.filter(pk=gift.pk).update(amount_refunded=5000)
    services.receipts_follow_refunds()
    old = Receipt.objects.get(kind="annual", donor=givers["post"], status="voided")
    new = Receipt.objects.get(kind="annual", donor=givers["post"], status="issued")
    assert (old.amount, new.amount, new.replaces) == (20000, 15000, old)
    assert new.number == "A2025-000004"


def test_the_schedule_starts_last_years_run_in_january():
    from crontask import scheduler

    from crm import schedule as tasks_schedule

    job = next(
        j for j in scheduler.get_jobs() if j.name == tasks_schedule.annual_receipts_scheduled_task.name
    )
    fire = job.trigger.get_next_fire_time(None, datetime.datetime(2026, 6, 1, tzinfo=TOKYO))
    assert (fire.year, fire.month, fire.day, fire.hour) == (2027, 1, 15, 10)
    new_gifts = next(
        j for j in scheduler.get_jobs() if j.name == tasks_schedule.receipts_new_gifts_scheduled_task.name
    )
    start = datetime.datetime(2026, 6, 1, 0, 1, tzinfo=TOKYO)
    assert new_gifts.trigger.get_next_fire_time(None, start) - start == datetime.timedelta(minutes=9)


@time_machine.travel(JANUARY, tick=False)
def test_the_scheduled_tasks_run(givers):
    from crm import schedule as tasks_schedule

    run_id = tasks_schedule.annual_receipts_scheduled_task.call()
    assert AnnualReceiptRun.objects.get(pk=run_id).year == 2025
    assert tasks_schedule.receipts_new_gifts_scheduled_task.call()["receipts"] >= 1  # the gift of 1 January


@time_machine.travel(JANUARY, tick=False)
def test_a_statement_missing_from_a_senders_list_is_found_by_its_last_look(givers, monkeypatch):
    # A sender lists the run's unsent statements once; one it could not see then (here: not yet
    # for email, as a chunk another sender claimed and rolled back would be) still goes, once.
    run = AnnualReceiptRun.objects.create(year=2025)
    services.annual_run_advance(run_id=run.pk, deliver=False)
    late = Receipt.objects.filter(annual_run=run, delivery="email").order_by("pk").last()
    Receipt.objects.filter(pk=late.pk).update(delivery="post")
    real = annual._dispatches_sent

    def then_for_email(dispatch_ids, receipts):
        real(dispatch_ids, receipts)
        Receipt.objects.filter(pk=late.pk).update(delivery="email")

    monkeypatch.setattr(annual, "_dispatches_sent", then_for_email)
    assert services.annual_run_deliver(run_id=run.pk) == 2
    assert sorted(m.extra_headers["X-Receipt-Number"] for m in mail.outbox) == sorted(
        Receipt.objects.filter(annual_run=run, delivery="email").values_list("number", flat=True)
    )
    assert ReceiptDispatch.objects.filter(receipt=late).count() == 1
