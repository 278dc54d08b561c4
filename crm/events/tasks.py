"""Background tasks of events: each takes ids and calls one service."""

from __future__ import annotations

from core.tasks import task


@task()
def event_email_send_task(*, invitation_id: int, kind: str) -> bool:
    from crm.events.services import event_email_send

    return event_email_send(invitation_id=invitation_id, kind=kind)
