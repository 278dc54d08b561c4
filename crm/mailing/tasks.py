"""Background tasks for Mailchimp: they take ids and call one service each."""

from __future__ import annotations

from core.tasks import task
from crm.mailing.services.erasure import mailchimp_member_delete
from crm.mailing.services.reconcile import mailchimp_reconcile
from crm.mailing.services.sync import mailchimp_push, mailchimp_push_donor
from crm.segments.models import Segment


@task()
def mailchimp_push_task(
    *, segment_ids: list[int] | None = None, whole_audience: bool = True, trigger: str = "task"
) -> int:
    """Returns the id of the MailchimpSyncRun it wrote."""
    segments = None if segment_ids is None else list(Segment.objects.filter(pk__in=segment_ids))
    return mailchimp_push(segments=segments, whole_audience=whole_audience, trigger=trigger).pk


@task()
def mailchimp_reconcile_task(*, trigger: str = "schedule") -> int:
    return mailchimp_reconcile(trigger=trigger).pk


@task()
def mailchimp_push_donor_task(*, donor_id: int) -> bool:
    return mailchimp_push_donor(donor_id=donor_id)


@task()
def mailchimp_member_delete_task(*, member_hash: str) -> bool:
    return mailchimp_member_delete(member_hash=member_hash)
