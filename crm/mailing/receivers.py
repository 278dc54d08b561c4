"""Mailing's signal receivers. Connected in crm.apps.CrmConfig.ready()."""

from __future__ import annotations

from django.db import transaction

from crm.mailing.services.erasure import mailchimp_member_forget_locally
from crm.mailing.tasks import mailchimp_member_delete_task, mailchimp_push_donor_task


def donor_push_queue(sender, donor_id: int, **kwargs) -> None:
    mailchimp_push_donor_task.enqueue(donor_id=donor_id)


def donor_erasing(sender, donor, email: str, **kwargs) -> None:
    """Erasure: the member state goes now; the member in Mailchimp goes once the erasure commits."""
    for member_hash in mailchimp_member_forget_locally(donor=donor, email=email):
        transaction.on_commit(lambda h=member_hash: mailchimp_member_delete_task.enqueue(member_hash=h))
