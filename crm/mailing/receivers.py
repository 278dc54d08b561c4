"""Mailing's signal receivers. Connected in crm.apps.CrmConfig.ready()."""

from __future__ import annotations

from crm.mailing.tasks import mailchimp_push_donor_task


def donor_push_queue(sender, donor_id: int, **kwargs) -> None:
    mailchimp_push_donor_task.enqueue(donor_id=donor_id)
