"""Signal receivers of events, connected in crm.apps.CrmConfig.ready()."""

from __future__ import annotations

from crm.events.tasks import event_email_send_task


def event_email_queue(sender, *, invitation_id: int, kind: str, **kwargs) -> None:
    # The service sent this after its transaction committed; the worker sends the email once.
    event_email_send_task.enqueue(invitation_id=invitation_id, kind=kind)
