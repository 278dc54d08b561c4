"""What runs on a schedule: registered with the scheduler at Japan times, and safe when a service is
not set up."""

import datetime
import zoneinfo

import pytest
from crontask import scheduler

from crm import schedule
from crm.factories import DonorFactory
from crm.models import Donor, MailchimpSyncRun
from tests.mailchimp_fake.fixtures import fake_mailchimp_fixture  # noqa: F401 - fixture

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def _job(name: str):
    jobs = [job for job in scheduler.get_jobs() if job.name == name]
    assert len(jobs) == 1, f"{name} scheduled {len(jobs)} times"
    return jobs[0]


def _next_run(name: str, after: datetime.datetime) -> datetime.datetime:
    return _job(name).trigger.get_next_fire_time(None, after)


def test_every_scheduled_task_is_registered_once_at_japan_times():
    start = datetime.datetime(2026, 11, 24, 0, 0, tzinfo=TOKYO)
    reconcile = _next_run(schedule.mailchimp_reconcile_scheduled_task.name, start)
    assert (reconcile.hour, reconcile.minute, reconcile.utcoffset()) == (3, 30, datetime.timedelta(hours=9))
    push = _next_run(schedule.mailchimp_push_scheduled_task.name, start)
    assert push - start == datetime.timedelta(minutes=15)
    following = _next_run(schedule.mailchimp_push_scheduled_task.name, push + datetime.timedelta(seconds=1))
    assert following - push == datetime.timedelta(hours=1)
    assert _next_run(schedule.facebook_group_scheduled_task.name, start).hour == 9
    assert _next_run(schedule.task_results_prune_scheduled_task.name, start).hour == 4


def test_the_scheduler_command_finds_them_through_the_apps_tasks_module():
    import importlib

    crm_tasks = importlib.import_module("crm.tasks")
    assert crm_tasks.schedule is schedule


@pytest.mark.django_db
def test_scheduled_push_does_nothing_without_mailchimp(settings):
    settings.MAILCHIMP_API_KEY = ""
    assert schedule.mailchimp_push_scheduled_task.call() is None
    assert schedule.mailchimp_reconcile_scheduled_task.call() is None
    assert not MailchimpSyncRun.objects.exists()


@pytest.mark.django_db
def test_scheduled_push_pushes_consenting_donors(fake_mailchimp):
    DonorFactory(email="aiko@example.org", newsletter_status=Donor.NewsletterStatus.SUBSCRIBED)
    run_id = schedule.mailchimp_push_scheduled_task.call()
    run = MailchimpSyncRun.objects.get(pk=run_id)
    assert run.trigger == "schedule" and run.failed == 0
    assert fake_mailchimp.member("aiko@example.org")["status"] == "subscribed"
