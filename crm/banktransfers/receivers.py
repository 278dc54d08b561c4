"""Signal receivers of bank transfers, connected in crm.apps.CrmConfig.ready(): each queues one task."""

from __future__ import annotations

from crm.banktransfers.tasks import statement_match_task


def statement_match_queue(sender, *, statement_id: str, **kwargs) -> None:
    statement_match_task.enqueue(statement_id=statement_id)
