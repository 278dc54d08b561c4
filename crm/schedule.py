"""What runs on a schedule, in Japan time (settings.TIME_ZONE).

`python manage.py crontask --no-heartbeat` (docker compose's `scheduler` service) enqueues these at
their times; the worker runs them like any other task. django-crontask (APScheduler underneath) was
picked over cron in the image because the schedule then lives in the code, is tested, and with
REDIS_URL set only one scheduler runs even when several containers start it.
Each task takes no arguments and calls one service, and each is safe to run twice.
"""

from __future__ import annotations

import logging

from crontask import cron
from django.core.management import call_command
from django.utils import timezone

from core.tasks import task
from crm.community.services.sending import invitations_run_schedule
from crm.mailing.client import MailchimpConfig
from crm.mailing.services.reconcile import mailchimp_reconcile
from crm.mailing.services.sync import mailchimp_push

logger = logging.getLogger(__name__)

# crontab fields: minute hour day month day-of-week (crontask wants a literal weekday or *)
MAILCHIMP_PUSH = "15 * * * *"  # hourly: incremental, so an unchanged CRM costs a few requests
MAILCHIMP_RECONCILE = "30 3 * * *"  # nightly, when nobody is editing
FACEBOOK_GROUP = "0 9 * * *"  # reminders arrive in the morning
TASK_RESULTS_PRUNE = "0 4 * * *"
SEARCH_TERMS_PRUNE = "20 4 * * *"
EVENT_REMINDERS = "0 10 * * *"  # the day before an event, mid-morning
RECEIPTS_NEW_GIFTS = "*/10 * * * *"  # receipts within minutes of a gift; refunds void theirs
ANNUAL_RECEIPTS = "0 10 15 1 *"  # 15 January, 10:00: last year's annual statements (resumes if stopped)
FAILED_PAYMENT_REMINDERS = "30 10 * * *"  # day 3 and day 7 after a failed renewal, mid-morning
CARD_EXPIRY_REMINDERS = "0 11 1 * *"  # the 1st: members whose card expires this month or next


@cron(MAILCHIMP_PUSH)
@task()
def mailchimp_push_scheduled_task() -> int | None:
    """Push every segment marked for Mailchimp and the audience's members; nothing when not set up."""

    if not MailchimpConfig.from_settings().is_configured:
        return None
    return mailchimp_push(segments=None, whole_audience=True, trigger="schedule").pk


@cron(MAILCHIMP_RECONCILE)
@task()
def mailchimp_reconcile_scheduled_task() -> int | None:

    if not MailchimpConfig.from_settings().is_configured:
        return None
    return mailchimp_reconcile(trigger="schedule").pk


@cron(FACEBOOK_GROUP)
@task()
def facebook_group_scheduled_task() -> dict[str, int]:
    return invitations_run_schedule()


@cron(TASK_RESULTS_PRUNE)
@task()
def task_results_prune_scheduled_task() -> None:
    """Finished task results older than a month are housekeeping, not history."""
    call_command("prune_db_task_results", min_age_days=30, verbosity=0)


@cron(SEARCH_TERMS_PRUNE)
@task()
def search_terms_prune_scheduled_task() -> None:
    """Visitors' search terms older than WAGTAILSEARCH_HITS_MAX_AGE days go, with their counts."""
    call_command("searchpromotions_garbage_collect", verbosity=0)


@cron(EVENT_REMINDERS)
@task()
def event_reminders_scheduled_task() -> int:
    """Remind everyone who said yes to tomorrow's events; each reminder is sent once."""
    from crm.events.services import event_reminders_send

    return event_reminders_send()


@cron(RECEIPTS_NEW_GIFTS)
@task()
def receipts_new_gifts_scheduled_task() -> dict[str, int]:
    """Receipts, thank-you status and personal thanks for new gifts; voids for refunded ones."""
    from crm.receipts.services import gifts_acknowledge, receipts_follow_refunds

    counts = gifts_acknowledge()
    counts["voided"] = receipts_follow_refunds()
    return counts


@cron(ANNUAL_RECEIPTS)
@task()
def annual_receipts_scheduled_task() -> int:
    """Start (or resume) the annual statements of the year before."""
    from crm.receipts.services import annual_run_start

    return annual_run_start(year=timezone.localdate().year - 1).pk


@cron(FAILED_PAYMENT_REMINDERS)
@task()
def failed_payment_reminders_scheduled_task() -> dict[str, int]:
    """Reminders to donors whose renewal failed and is still unpaid; each step goes once."""
    from crm.payments.services.recovery import recovery_followups_send

    return recovery_followups_send()


@cron(CARD_EXPIRY_REMINDERS)
@task()
def card_expiry_reminders_scheduled_task() -> int:
    """Ask members whose card expires this month or next to add their new card, once per card."""
    from crm.payments.services.recovery import card_expiry_reminders_send

    return card_expiry_reminders_send()
