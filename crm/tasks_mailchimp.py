"""Alias kept for one release (issue 12): results queued before the move name `crm.tasks_mailchimp.<task>`.

The tasks live in `crm.mailing.tasks`. Remove this module once no queued result names it.
"""

from crm.mailing.tasks import mailchimp_push_donor_task, mailchimp_push_task, mailchimp_reconcile_task

__all__ = ["mailchimp_push_donor_task", "mailchimp_push_task", "mailchimp_reconcile_task"]
