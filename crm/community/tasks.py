"""Background tasks of the Facebook-group invitation queue: each calls one service."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from core.tasks import task
from crm.community.services.sending import invitations_run_schedule, invitations_send_many


@task()
def facebook_group_schedule_task() -> dict[str, int]:
    """The scheduled run (cron: `manage.py invitation_reminders --enqueue`): sync, remind, expire."""
    return invitations_run_schedule()


@task()
def facebook_group_send_task(*, invitation_ids: list[int], user_id: int | None = None) -> dict[str, int]:
    """Bulk invitations from the admin, so a long batch does not hold up the request."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    result = invitations_send_many(invitation_ids=invitation_ids, user=user)
    return {"sent": len(result.changed), "failed": len(result.failed), "skipped": len(result.skipped)}
