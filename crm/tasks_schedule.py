"""Alias kept for one release (issue 12): results queued before the move name
`crm.tasks_schedule.<task>`. The schedule lives in `crm.schedule`. Remove once no queued result names it.
"""

from crm.schedule import (
    facebook_group_scheduled_task,
    mailchimp_push_scheduled_task,
    mailchimp_reconcile_scheduled_task,
    task_results_prune_scheduled_task,
)

__all__ = [
    "facebook_group_scheduled_task",
    "mailchimp_push_scheduled_task",
    "mailchimp_reconcile_scheduled_task",
    "task_results_prune_scheduled_task",
]
