"""Nightly reconcile: read the audience back and correct consent the CRM missed (a webhook lost,
an unsubscribe made in Mailchimp's own pages)."""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import timezone

from crm.donors.models import Donor
from crm.mailing.client import MailchimpClient
from crm.mailing.models import MailchimpMemberState, MailchimpSyncRun
from crm.mailing.services.sync import CHUNK, RECONCILE_SOURCE, Status, sync_lock

logger = logging.getLogger(__name__)


def mailchimp_reconcile(*, trigger: str = "", client: MailchimpClient | None = None) -> MailchimpSyncRun:
    """Pages through the audience and brings CRM consent in line with what a webhook may have missed.

    Mailchimp is the authority for leaving (unsubscribed, cleaned) and for confirming (pending ->
    subscribed); it never turns an unsubscribed CRM donor back into a subscriber.
    """
    run = MailchimpSyncRun.objects.create(kind=MailchimpSyncRun.Kind.RECONCILE, trigger=trigger)
    started = time.monotonic()
    own_client = client is None
    try:
        client = client or MailchimpClient()
        with sync_lock():
            remote = {m["email_address"].strip().lower(): m["status"] for m in client.iter_members()}
            run.api_calls = client.api_calls
            run.corrected = _apply_remote_statuses(remote)
        run.status = MailchimpSyncRun.Status.SUCCEEDED
    except Exception as exc:
        logger.exception("Mailchimp reconcile failed")
        run.status = MailchimpSyncRun.Status.FAILED
        run.error = str(exc)[:2000]
    finally:
        if own_client and client is not None:
            client.close()
    run.finished_at = timezone.now()
    run.seconds = round(time.monotonic() - started, 3)
    run.save()
    return run


def _target_consent(*, crm: str, remote: str) -> str | None:
    if remote in {Status.UNSUBSCRIBED, Status.CLEANED} and crm != remote:
        return remote
    if remote == Status.SUBSCRIBED and crm in {Status.PENDING, Status.NEVER}:
        return Status.SUBSCRIBED
    return None


def _apply_remote_statuses(remote: dict[str, str]) -> int:
    emails = list(remote)
    corrected = 0
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start : start + CHUNK]
        rows = Donor.objects.filter(email__in=chunk).values_list("pk", "email", "newsletter_status")
        changes = [
            (pk, target)
            for pk, email, crm in rows
            if (target := _target_consent(crm=crm, remote=remote[email]))
        ]
        for pk, target in changes:
            with transaction.atomic():
                donor = Donor.objects.select_for_update().get(pk=pk)
                donor.newsletter_status = target
                donor.newsletter_status_source = RECONCILE_SOURCE
                donor.save()
                MailchimpMemberState.objects.filter(donor_id=pk).update(remote_status=target)
            corrected += 1
        # Remember Mailchimp's status for everyone, so the next push decides with fresh facts.
        for status in set(remote[e] for e in chunk):
            same = [e for e in chunk if remote[e] == status]
            MailchimpMemberState.objects.filter(email__in=same).exclude(remote_status=status).update(
                remote_status=status
            )
    return corrected
