"""Signal receivers of receipts, connected in crm.apps.CrmConfig.ready(): each queues one task."""

from __future__ import annotations

from crm.receipts.tasks import annual_run_deliver_task, annual_run_task, receipt_email_send_task


def receipt_email_queue(sender, *, receipt_id: int, **kwargs) -> None:
    receipt_email_send_task.enqueue(receipt_id=receipt_id)


def annual_run_queue(sender, *, run_id: int, **kwargs) -> None:
    annual_run_task.enqueue(run_id=run_id)


def annual_run_delivery_queue(sender, *, run_id: int, **kwargs) -> None:
    annual_run_deliver_task.enqueue(run_id=run_id)
