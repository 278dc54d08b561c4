"""The timelines on a donor's and a company's record: rows from every feature, newest first.

A read-side view over the whole CRM, so it sits above the features whose rows it shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from wagtail.models import ModelLogEntry

from crm.companies.models import PartnerCompany
from crm.display import money, money_per_interval
from crm.donors.models import Donor
from crm.giving.models import Donation, RecurringDonationChange


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    url: str = ""


TIMELINE_LIMIT = 200


def donor_timeline(donor: Donor) -> list[TimelineEntry]:
    """Donations, membership changes, consent changes, interactions and former addresses, newest first.

    Each source is one query with a limit, so a donor with years of monthly gifts stays quick.
    """
    entries: list[TimelineEntry] = []
    for d in donor.donations.select_related("recurring_donation")[:TIMELINE_LIMIT]:
        kind = _("Monthly gift") if d.recurring_donation_id else _("Donation")
        detail = f"{d.get_method_display()} · {d.get_status_display()}"
        if d.amount_refunded:
            detail += " · " + _("refunded %(refunded)s, kept %(net)s") % {
                "refunded": money(d.amount_refunded, d.currency),
                "net": money(d.net_amount, d.currency),
            }
        entries.append(
            TimelineEntry(d.received_at, "donation", f"{kind}: {money(d.amount, d.currency)}", detail)
        )
    changes = RecurringDonationChange.objects.filter(recurring_donation__donor=donor).select_related(
        "recurring_donation"
    )[:TIMELINE_LIMIT]
    for c in changes:
        rd = c.recurring_donation
        entries.append(
            TimelineEntry(
                c.changed_at,
                "membership",
                _("Monthly membership: %(status)s") % {"status": c.get_status_display()},
                money_per_interval(rd.amount, rd.currency, rd.interval),
            )
        )
    for c in donor.consent_changes.all()[:TIMELINE_LIMIT]:
        entries.append(
            TimelineEntry(
                c.changed_at,
                "consent",
                _("Newsletter: %(status)s") % {"status": c.get_status_display()},
                c.source,
            )
        )
    for i in donor.interactions.for_timeline()[:TIMELINE_LIMIT]:
        staff = i.staff_user.get_full_name() or i.staff_user.get_username() if i.staff_user else ""
        entries.append(
            TimelineEntry(i.happened_at, "interaction", f"{i.get_kind_display()}: {i.summary}", staff)
        )
    for e in donor.email_history.all()[:TIMELINE_LIMIT]:
        entries.append(
            TimelineEntry(
                e.recorded_at,
                "email",
                _("Former address: %(email)s") % {"email": e.email},
                e.get_reason_display(),
            )
        )
    entries.extend(_audit_and_facebook_group_entries(donor))
    return sorted(entries, key=lambda e: e.when, reverse=True)


def _staff_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _audit_and_facebook_group_entries(donor: Donor) -> list[TimelineEntry]:
    """Audit-log entries, and the Facebook-group invitation's changes, each change shown once.

    The invitation service writes an event and an audit entry for every change, at the same instant.
    Where both exist they become one row: the entry's readable message with the event's from -> to
    and note. Events without an entry on this donor (history moved here by a merge: the audit entries
    stay with the merged-away donor's id) show on their own.
    """
    from crm.community.models import FacebookGroupInvitationEvent

    audit = _audit_log_entries(donor)
    events = FacebookGroupInvitationEvent.objects.filter(invitation__donor=donor).select_related("by_user")[
        :TIMELINE_LIMIT
    ]
    by_change = {(entry.action, entry.timestamp): i for i, (entry, _row) in enumerate(audit)}
    rows = [row for _entry, row in audit]
    for event in events:
        change = f"{event.get_from_status_display() or '—'} → {event.get_to_status_display()}"
        detail = " · ".join(x for x in (change, _staff_name(event.by_user), event.note) if x)
        matched = by_change.pop((f"crm.facebook_group.{event.to_status}", event.at), None)
        if matched is not None:
            rows[matched] = TimelineEntry(rows[matched].when, "audit", rows[matched].title, detail)
        else:
            title = _("Facebook group: %(status)s") % {"status": event.get_to_status_display()}
            rows.append(TimelineEntry(event.at, "facebook_group", title, detail))
    return rows


def _audit_log_entries(instance) -> list[tuple[ModelLogEntry, TimelineEntry]]:
    """The CRM's audit-log entries on an object, titled with their registered, readable message."""
    from django.contrib.contenttypes.models import ContentType

    logs = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        action__startswith="crm.",
    ).select_related("user")[:TIMELINE_LIMIT]
    return [
        (entry, TimelineEntry(entry.timestamp, "audit", str(entry.message), _staff_name(entry.user)))
        for entry in logs
    ]


def company_timeline(company: PartnerCompany) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            i.happened_at,
            "interaction",
            f"{i.get_kind_display()}: {i.summary}",
            i.donor.display_name if i.donor_id else "",
        )
        for i in company.interactions.for_timeline().select_related("donor")[:TIMELINE_LIMIT]
    ]
    gifts = Donation.objects.filter(donor__company=company).select_related("donor")[:TIMELINE_LIMIT]
    entries.extend(
        TimelineEntry(d.received_at, "donation", f"{d.amount:,} {d.currency}", d.donor.display_name)
        for d in gifts
    )
    return sorted(entries, key=lambda e: e.when, reverse=True)
