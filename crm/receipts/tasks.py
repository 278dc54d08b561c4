"""Background work of receipts: each task takes ids and calls one service."""

from __future__ import annotations

from core.tasks import task


@task()
def receipt_email_send_task(*, receipt_id: int) -> str:
    from crm.receipts.services import receipt_email_send

    return receipt_email_send(receipt_id=receipt_id)


@task()
def annual_run_task(*, run_id: int) -> str:
    """Issue the year's statements, send them, and queue helpers to send alongside (see below)."""
    from crm.receipts.services import annual_run_advance

    return annual_run_advance(run_id=run_id).status


@task()
def annual_run_deliver_task(*, run_id: int) -> int:
    """A second worker's share of the sending: claims chunks the first has not taken."""
    from crm.receipts.services import annual_run_deliver_and_finish

    return annual_run_deliver_and_finish(run_id=run_id)


@task()
def donor_page_link_task(*, email: str, language: str) -> None:
    """Look the address up and email the link in the background, so the page answers alike either way."""
    from crm.receipts.services import donor_page_link_request

    donor_page_link_request(email=email, language=language)
