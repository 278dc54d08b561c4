"""Pushing donors and segments to the Mailchimp audience, and the nightly reconcile back.

Consent rules (the reason this module exists rather than a CSV upload):
- `status_if_new` is "subscribed" only for donors whose consent the CRM recorded; donors who never
  consented are not added to the audience at all (they would be billed and could not be mailed);
- an existing member's status is never set to "subscribed" by a sync: a donor who left and asks
  again is sent as "pending", which makes Mailchimp send its own confirmation email;
- an unsubscribe recorded in the CRM is pushed as "unsubscribed".

Incremental: MailchimpMemberState holds the hash of the body Mailchimp last accepted and the tags it
holds; only differences are sent, so a re-push with no CRM change makes no member writes. Failed
operations leave the state untouched and are sent again next run. All network calls happen outside
database transactions; state is written after the calls return.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Min, OuterRef, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from crm.donors.models import Donor
from crm.giving.models import RecurringDonation
from crm.mailing.client import BatchOperation, MailchimpClient, MailchimpError, OperationResult
from crm.mailing.models import MailchimpMemberState, MailchimpSyncRun
from crm.segments.models import Segment

logger = logging.getLogger(__name__)

WEBHOOK_SOURCE = "mailchimp webhook"
RECONCILE_SOURCE = "mailchimp reconcile"
# Up to this many writes go as direct calls (10 at a time); more go through /batches.
DIRECT_CALL_LIMIT = 50
CHUNK = 2000
# Any constant works; this one spells "MCHP" so it is recognisable in pg_locks.
SYNC_LOCK_KEY = 0x4D434850

Status = Donor.NewsletterStatus
# What member_body reads: loading only these keeps planning 10,000 donors cheap.
PLAN_FIELDS = (
    "email",
    "given_name",
    "family_name",
    "preferred_language",
    "newsletter_status",
    "newsletter_status_changed_at",
)


class SyncBusy(RuntimeError):
    """Another sync held the lock for longer than MAILCHIMP_SYNC_LOCK_WAIT_SECONDS."""


_local_sync_lock = threading.Lock()


@contextmanager
def sync_lock() -> Iterator[None]:
    """One sync at a time, across processes on PostgreSQL (a session advisory lock, so no
    transaction stays open during the network calls), within the process on SQLite, whose writes
    are serialised anyway. Two runs that overlapped would both plan against the same
    MailchimpMemberState and push every change twice; waiting instead means the second run plans
    after the first has recorded what Mailchimp accepted, and finds nothing left to send."""
    wait = float(getattr(settings, "MAILCHIMP_SYNC_LOCK_WAIT_SECONDS", 3600.0))
    deadline = time.monotonic() + wait
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [SYNC_LOCK_KEY])
                if cursor.fetchone()[0]:
                    break
                if time.monotonic() >= deadline:
                    raise SyncBusy("Another Mailchimp sync is still running.")
                time.sleep(0.05)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SYNC_LOCK_KEY])
        return
    if not _local_sync_lock.acquire(timeout=max(wait, 0.0)):
        raise SyncBusy("Another Mailchimp sync is still running.")
    try:
        yield
    finally:
        _local_sync_lock.release()


@dataclass
class PlannedMember:
    donor_id: int
    email: str
    previous_email: str | None
    body: dict[str, Any] | None  # None: no member write needed
    payload_hash: str
    tags: dict[str, bool] = field(default_factory=dict)
    is_new: bool = False
    state: MailchimpMemberState | None = None


def _hash(email: str, body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps([email, body], sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _monthly_amount_subquery():
    monthly = (
        RecurringDonation.objects.filter(
            donor=OuterRef("pk"), status=RecurringDonation.Status.ACTIVE, currency="JPY"
        )
        .order_by()
        .values("donor")
        .annotate(
            monthly=Sum(
                Case(
                    When(interval="year", then=F("amount") / 12),
                    default=F("amount"),
                    output_field=IntegerField(),
                )
            )
        )
        .values("monthly")
    )
    return Coalesce(Subquery(monthly, output_field=IntegerField()), 0)


def _member_since_subquery():
    return Subquery(
        RecurringDonation.objects.filter(donor=OuterRef("pk"), status=RecurringDonation.Status.ACTIVE)
        .order_by()
        .values("donor")
        .annotate(first=Min("started_at"))
        .values("first")
    )


def _plan_queryset():
    return (
        Donor.objects.filter(email__isnull=False, erased_at__isnull=True)
        .only(*PLAN_FIELDS, "mailchimp_state")
        .annotate(member_since=_member_since_subquery(), monthly_amount=_monthly_amount_subquery())
        .select_related("mailchimp_state")
    )


def member_body(*, donor: Donor, state: MailchimpMemberState | None) -> dict[str, Any] | None:
    """What the CRM wants Mailchimp to hold for this donor, or None to leave them out of the audience."""
    consent = donor.newsletter_status
    in_audience = state is not None and bool(state.remote_status or state.payload_hash)
    body: dict[str, Any] = {
        "merge_fields": {
            "FNAME": donor.given_name,
            "LNAME": donor.family_name,
            "LANGUAGE": donor.preferred_language,
            "MEMBER_SINCE": donor.member_since.date().isoformat()
            if getattr(donor, "member_since", None)
            else "",
            "MONTHLY_AMOUNT": int(getattr(donor, "monthly_amount", 0) or 0),
        },
        "language": donor.preferred_language,
    }
    if consent == Status.SUBSCRIBED:
        # No `status`: an existing member who unsubscribed in Mailchimp stays unsubscribed.
        body["status_if_new"] = "subscribed"
    elif consent == Status.PENDING:
        body["status_if_new"] = "pending"
        # Asked (again) since we last heard from Mailchimp: "pending" sends the confirmation email. A
        # member Mailchimp confirmed after that ask is already subscribed and must not be demoted.
        confirmed_since_ask = (
            state is not None
            and state.remote_status == "subscribed"
            and state.last_pushed_at is not None
            and donor.newsletter_status_changed_at is not None
            and state.last_pushed_at >= donor.newsletter_status_changed_at
        )
        if not confirmed_since_ask:
            body["status"] = "pending"
    elif consent == Status.UNSUBSCRIBED:
        if not in_audience:
            return None
        body["status_if_new"] = "unsubscribed"
        body["status"] = "unsubscribed"
    else:  # never asked, or cleaned: only keep an existing member's details current
        if not in_audience or consent == Status.CLEANED:
            return None
        body["status_if_new"] = "transactional"
    return body


def _segment_members(segments: Sequence[Segment]) -> dict[str, set[int]]:
    # One query per segment; each is a single SELECT of ids compiled from the segment's rules.
    return {seg.tag_name: set(seg.donors().values_list("pk", flat=True)) for seg in segments}


def _plan(*, segments: Sequence[Segment], whole_audience: bool) -> list[PlannedMember]:
    tag_members = _segment_members(segments)
    tag_names = set(tag_members)
    candidate_ids: set[int] = set().union(*tag_members.values()) if tag_members else set()
    if whole_audience:
        candidate_ids |= set(
            Donor.objects.filter(
                erased_at__isnull=True,
                email__isnull=False,
                newsletter_status__in=[Status.SUBSCRIBED, Status.PENDING],
            ).values_list("pk", flat=True)
        )
        candidate_ids |= set(MailchimpMemberState.objects.values_list("donor_id", flat=True))
    else:
        # Donors who hold one of these tags and may have left the segment.
        for state_id, tags in MailchimpMemberState.objects.values_list("donor_id", "tags"):
            if tag_names & {t for t, active in (tags or {}).items() if active}:
                candidate_ids.add(state_id)

    plans: list[PlannedMember] = []
    ids = sorted(candidate_ids)
    for start in range(0, len(ids), CHUNK):
        donors = _plan_queryset().filter(pk__in=ids[start : start + CHUNK]).order_by("pk")
        for donor in donors:
            state = getattr(donor, "mailchimp_state", None)
            body = member_body(donor=donor, state=state)
            if body is None:
                continue
            payload_hash = _hash(donor.email, body)
            unchanged = (
                state is not None and state.payload_hash == payload_hash and state.email == donor.email
            )
            known_tags = (state.tags if state else {}) or {}
            tags = {}
            for tag, members in tag_members.items():
                wanted = donor.pk in members
                if wanted and known_tags.get(tag) is not True:
                    tags[tag] = True
                elif not wanted and known_tags.get(tag) is True:
                    tags[tag] = False
            plans.append(
                PlannedMember(
                    donor_id=donor.pk,
                    email=donor.email,
                    previous_email=state.email
                    if state and state.email and state.email != donor.email
                    else None,
                    body=None if unchanged else body,
                    payload_hash=payload_hash,
                    tags=tags,
                    is_new=state is None or not (state.payload_hash or state.remote_status),
                    state=state,
                )
            )
    return plans


def _run(client: MailchimpClient, ops: list[BatchOperation]) -> dict[str, OperationResult]:
    if not ops:
        return {}
    results = client.run_operations(ops) if len(ops) <= DIRECT_CALL_LIMIT else client.run_batches(ops)
    return {r.operation_id: r for r in results}


def mailchimp_push(
    *,
    segments: Iterable[Segment] | None = None,
    whole_audience: bool = True,
    trigger: str = "",
    client: MailchimpClient | None = None,
) -> MailchimpSyncRun:
    """Pushes members (merge fields, consent) and segment tags; returns the finished sync log row.

    `segments=None` means every segment marked "push to Mailchimp".
    """
    segment_list = (
        list(segments) if segments is not None else list(Segment.objects.filter(push_to_mailchimp=True))
    )
    run = MailchimpSyncRun.objects.create(
        kind=MailchimpSyncRun.Kind.PUSH, trigger=trigger, segments=[s.slug for s in segment_list]
    )
    started = time.monotonic()
    own_client = client is None
    try:
        client = client or MailchimpClient()
        calls_before = client.api_calls
        with sync_lock():
            plans = _plan(segments=segment_list, whole_audience=whole_audience)
            _push(run=run, client=client, plans=plans)
        run.api_calls = client.api_calls - calls_before
        run.status = MailchimpSyncRun.Status.PARTIAL if run.failed else MailchimpSyncRun.Status.SUCCEEDED
        if segment_list:
            Segment.objects.filter(pk__in=[s.pk for s in segment_list]).update(last_pushed_at=timezone.now())
    except Exception as exc:
        logger.exception("Mailchimp push failed")
        run.status = MailchimpSyncRun.Status.FAILED
        run.error = str(exc)[:2000]
        if client is not None:
            run.api_calls = client.api_calls
    finally:
        if own_client and client is not None:
            client.close()
    run.finished_at = timezone.now()
    run.seconds = round(time.monotonic() - started, 3)
    run.save()
    return run


def _push(*, run: MailchimpSyncRun, client: MailchimpClient, plans: list[PlannedMember]) -> None:
    # The plan loaded each donor's state with the donor: no second query for 10,000 of them.
    states = {p.donor_id: p.state for p in plans if p.state is not None}
    now = timezone.now()

    # Phase 1: member upserts (merge fields, consent). Tags wait until the member exists.
    member_ops = [
        client.member_upsert_operation(
            email=p.email, current_email=p.previous_email, body=p.body, operation_id=f"member-{p.donor_id}"
        )
        for p in plans
        if p.body is not None
    ]
    run.unchanged = len(plans) - len(member_ops)
    results = _run(client, member_ops)
    member_failed: set[int] = set()
    # Only states this run changed are written back: an unchanged re-push writes nothing.
    dirty: set[int] = set()
    for p in plans:
        if p.body is None:
            continue
        dirty.add(p.donor_id)
        result = results[f"member-{p.donor_id}"]
        state = states.get(p.donor_id) or MailchimpMemberState(donor_id=p.donor_id, email=p.email)
        states[p.donor_id] = state
        if result.ok:
            state.email = p.email
            state.payload_hash = p.payload_hash
            state.pushed_status = p.body.get("status") or p.body.get("status_if_new", "")
            state.remote_status = str(result.body.get("status") or state.pushed_status)
            state.last_pushed_at = now
            state.last_error = ""
            state.failed_at = None
            state.failure_count = 0
            if p.is_new:
                run.created += 1
            else:
                run.updated += 1
            continue
        error = result.error or MailchimpError(status=None, title="Unknown")
        member_failed.add(p.donor_id)
        run.failed += 1
        state.last_error = str(error)[:1000]
        state.failed_at = now
        state.failure_count += 1
        if error.is_compliance_state:
            # Mailchimp refuses: the address unsubscribed or bounced there. Remember the answer so we
            # do not ask again until the CRM changes; the reconcile brings the CRM in line.
            state.payload_hash = p.payload_hash
            state.email = p.email
            if not state.remote_status or state.remote_status in {"subscribed", "pending"}:
                state.remote_status = "unsubscribed"

    # Phase 2: tags, one POST per member carrying all of that member's tag changes.
    tag_ops = [
        client.member_tags_operation(email=p.email, tags=p.tags, operation_id=f"tags-{p.donor_id}")
        for p in plans
        if p.tags and p.donor_id not in member_failed
    ]
    results = _run(client, tag_ops)
    for p in plans:
        if not p.tags or p.donor_id in member_failed:
            continue
        dirty.add(p.donor_id)
        result = results[f"tags-{p.donor_id}"]
        state = states.get(p.donor_id) or MailchimpMemberState(donor_id=p.donor_id, email=p.email)
        states[p.donor_id] = state
        if result.ok:
            state.tags = {**(state.tags or {}), **p.tags}
            run.tagged += sum(1 for active in p.tags.values() if active)
            run.untagged += sum(1 for active in p.tags.values() if not active)
        else:
            run.failed += 1
            state.last_error = str(result.error)[:1000]
            state.failed_at = now
            state.failure_count += 1

    _save_states([states[donor_id] for donor_id in dirty])


STATE_FIELDS = [
    "email",
    "payload_hash",
    "pushed_status",
    "remote_status",
    "tags",
    "last_pushed_at",
    "last_error",
    "failed_at",
    "failure_count",
]


def _save_states(states: list[MailchimpMemberState]) -> None:
    new = [s for s in states if s.pk is None]
    old = [s for s in states if s.pk is not None]
    with transaction.atomic():
        # An upsert: a webhook or sign-up may have created the donor's state since we planned, and a
        # plain INSERT would then fail the whole run on the one-to-one constraint.
        MailchimpMemberState.objects.bulk_create(
            new,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["donor"],
            update_fields=STATE_FIELDS,
        )
        MailchimpMemberState.objects.bulk_update(old, STATE_FIELDS, batch_size=500)


# --- one member, right now (newsletter sign-up) --------------------------------------------------------


def mailchimp_push_donor(*, donor_id: int, client: MailchimpClient | None = None) -> bool:
    """Pushes one donor's member record (no tags); True when Mailchimp accepted it."""
    with sync_lock():
        return _push_donor(donor_id=donor_id, client=client)


def _push_donor(*, donor_id: int, client: MailchimpClient | None) -> bool:
    donor = _plan_queryset().filter(pk=donor_id).first()
    if donor is None:
        return False
    state = getattr(donor, "mailchimp_state", None)
    body = member_body(donor=donor, state=state)
    if body is None:
        return False
    plan = PlannedMember(
        donor_id=donor.pk,
        email=donor.email,
        previous_email=state.email if state and state.email != donor.email else None,
        body=body,
        payload_hash=_hash(donor.email, body),
        is_new=state is None,
        state=state,
    )
    run = MailchimpSyncRun(kind=MailchimpSyncRun.Kind.PUSH, trigger="single donor")
    own_client = client is None
    client = client or MailchimpClient()
    try:
        _push(run=run, client=client, plans=[plan])
    finally:
        if own_client:
            client.close()
    return run.failed == 0
