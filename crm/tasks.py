"""Every background task of the CRM, by name: the scheduler (`manage.py crontask`) imports each app's
`tasks` module to find what is scheduled, and results queued before issue 12 moved the tasks into
their features were stored as ``crm.tasks.<name>``; this module is where a worker finds both.

Tasks live in their feature (`crm/<feature>/tasks.py`); the schedule is `crm/schedule.py`.
The old ``crm.tasks_<part>`` modules re-export theirs for one release (see docs/architecture.md).
"""

from crm import schedule
from crm.community.tasks import facebook_group_schedule_task, facebook_group_send_task
from crm.imports.tasks import donor_import_check_task, donor_import_run_task
from crm.mailing.tasks import mailchimp_push_donor_task, mailchimp_push_task, mailchimp_reconcile_task
from crm.payments.tasks import (
    recovery_email_send_task,
    stripe_event_process_task,
    stripe_manage_gift_link_task,
    stripe_thank_you_send_task,
)

__all__ = [
    "donor_import_check_task",
    "donor_import_run_task",
    "facebook_group_schedule_task",
    "facebook_group_send_task",
    "mailchimp_push_donor_task",
    "mailchimp_push_task",
    "mailchimp_reconcile_task",
    "recovery_email_send_task",
    "schedule",
    "stripe_event_process_task",
    "stripe_manage_gift_link_task",
    "stripe_thank_you_send_task",
]
