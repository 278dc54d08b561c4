"""Alias kept for one release (issue 12): results queued before the move name `crm.tasks_invitations.<task>`.

The tasks live in `crm.community.tasks`. Remove this module once no queued result names it.
"""

from crm.community.tasks import facebook_group_schedule_task, facebook_group_send_task

__all__ = ["facebook_group_schedule_task", "facebook_group_send_task"]
