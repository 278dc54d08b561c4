"""Two syncs at the same moment (a scheduled push and a fundraiser's "Push now") must not push every
member twice nor trip over each other's MailchimpMemberState rows."""

import threading

import pytest
from django.db import connection

from crm.mailing.services.sync import mailchimp_push, sync_lock
from crm.models import Donor, MailchimpMemberState, MailchimpSyncRun
from tests.mailchimp_fake.fixtures import fake_mailchimp_fixture  # noqa: F401 - fixture

MEMBERS = 30  # under the direct-call limit, so every member write is a PUT the fake counts


def _in_thread(fn, results, index, barrier=None):
    try:
        if barrier is not None:
            barrier.wait(timeout=10)
        results[index] = fn()
    except Exception as exc:  # surfaced by the assertions below
        results[index] = exc
    finally:
        connection.close()  # each thread has its own database connection


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_syncs_started_together_push_each_member_once(fake_mailchimp):
    Donor.objects.bulk_create(
        [Donor(email=f"c{i}@example.org", newsletter_status="subscribed") for i in range(MEMBERS)]
    )
    barrier = threading.Barrier(2)
    results: list = [None, None]
    threads = [
        threading.Thread(
            target=_in_thread, args=(lambda n=n: mailchimp_push(trigger=f"thread {n}"), results, n, barrier)
        )
        for n in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    runs = sorted(results, key=lambda r: getattr(r, "created", -1))
    assert all(isinstance(r, MailchimpSyncRun) for r in runs), results
    assert [r.status for r in runs] == [MailchimpSyncRun.Status.SUCCEEDED] * 2
    # One run did the work; the other waited for it and found nothing left to send.
    assert [(r.created, r.unchanged) for r in runs] == [(0, MEMBERS), (MEMBERS, 0)]
    assert fake_mailchimp.count("PUT") == MEMBERS
    assert fake_mailchimp.member_count == MEMBERS
    assert MailchimpMemberState.objects.count() == MEMBERS
    assert not MailchimpMemberState.objects.exclude(remote_status="subscribed").exists()


@pytest.mark.django_db
def test_a_sync_that_cannot_get_the_lock_is_logged_not_run(fake_mailchimp, settings):
    settings.MAILCHIMP_SYNC_LOCK_WAIT_SECONDS = 0.3
    Donor.objects.create(email="wait@example.org", newsletter_status="subscribed")
    holding, release = threading.Event(), threading.Event()

    def hold():
        with sync_lock():  # a long sync in another worker
            holding.set()
            release.wait(timeout=10)

    results: list = [None]
    holder = threading.Thread(target=_in_thread, args=(hold, results, 0))
    holder.start()
    try:
        assert holding.wait(timeout=10)
        run = mailchimp_push(trigger="second")
    finally:
        release.set()
        holder.join(timeout=10)

    assert run.status == MailchimpSyncRun.Status.FAILED
    assert "another mailchimp sync" in run.error.lower()
    assert fake_mailchimp.member("wait@example.org") is None
    # Once the other sync is done, the next run goes through.
    assert mailchimp_push(trigger="third").created == 1
