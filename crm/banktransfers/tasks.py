"""Background work of bank transfers: each task takes ids and calls one service."""

from __future__ import annotations

from core.tasks import task
from crm.banktransfers.services.statements import statement_match


@task()
def statement_match_task(*, statement_id: str) -> str:
    return statement_match(statement_id=statement_id)
