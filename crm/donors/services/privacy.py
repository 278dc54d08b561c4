"""Japan's APPI: a donor may see everything we hold on them, and may ask us to erase it.

Erasure blanks the person, not the accounts: donations stay as anonymous amounts and dates, which
the NPO must keep for its books and receipts.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from crm.donors.models import DONOR_PERSONAL_FIELDS, DONOR_RECORD_FIELDS, Donor

# The disclosure: every personal field and everything recorded about the relationship.
DONOR_EXPORT_FIELDS = ("id", *DONOR_PERSONAL_FIELDS, *DONOR_RECORD_FIELDS[1:])

class DonorErasureError(ValueError):
    pass


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def donor_export_json(*, donor: Donor) -> dict[str, Any]:
    """Everything we hold on one donor, as plain JSON-ready data (the APPI disclosure request)."""
    personal = {
        field: _iso(getattr(donor, field))
        for field in DONOR_EXPORT_FIELDS
        if field not in {"company", "tags", "search_text"}
    }
    personal["company"] = donor.company.name if donor.company_id else None
    personal["tags"] = sorted(donor.tags.names())
    return {
        "exported_at": timezone.now().isoformat(),
        "donor": personal,
        "donations": [
            {k: _iso(v) for k, v in row.items()}
            for row in donor.donations.order_by("received_at").values(
                "id", "amount", "currency", "received_at", "method", "status", "recurring_donation_id"
            )
        ],
        "recurring_donations": [
            {k: _iso(v) for k, v in row.items()}
            for row in donor.recurring_donations.order_by("started_at").values(
                "id", "amount", "currency", "interval", "status", "started_at", "canceled_at"
            )
        ],
        "consent_changes": [
            {k: _iso(v) for k, v in row.items()}
            for row in donor.consent_changes.order_by("changed_at").values("status", "source", "changed_at")
        ],
        "former_emails": [
            {k: _iso(v) for k, v in row.items()}
            for row in donor.email_history.order_by("recorded_at").values("email", "reason", "recorded_at")
        ],
        "interactions": [
            {k: _iso(v) for k, v in row.items()}
            for row in donor.interactions.order_by("happened_at").values(
                "kind", "happened_at", "summary", "body"
            )
        ],
    }


@transaction.atomic
def donor_erase(*, donor: Donor, user: AbstractBaseUser | None) -> Donor:
    """Blank a donor's personal data; keep their donations as anonymous amounts; write an audit entry.

    Refused while a recurring donation is still running: its payments would keep arriving for a
    donor we can no longer identify, so the gift is cancelled first.
    """
    donor = Donor.objects.select_for_update().get(pk=donor.pk)
    if donor.erased_at:
        raise DonorErasureError("This donor is already erased.")
    running = donor.recurring_donations.filter(status__in=["active", "past_due", "paused", "incomplete"])
    if running.exists():
        raise DonorErasureError("Cancel this donor's monthly gift before erasing them.")

    for field in DONOR_PERSONAL_FIELDS:
        # Blank, or NULL where blank would break a constraint (one donor per address) or a relation.
        setattr(donor, field, None if Donor._meta.get_field(field).null else "")
    donor.newsletter_status = Donor.NewsletterStatus.UNSUBSCRIBED
    donor.newsletter_status_source = "erased"
    donor.erased_at = timezone.now()
    donor.save()
    donor.tags.clear()
    # What staff wrote about the person and the addresses they used are personal data too.
    donor.interactions.all().delete()
    donor.email_history.all().delete()
    donor.consent_changes.all().delete()

    # Audit entries carry the donor's name in their label and, for merges, old details in their data.
    entries = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Donor), object_id=str(donor.pk)
    )
    entries.update(label=donor.display_name, data={})
    log(instance=donor, action="crm.erase", user=user if getattr(user, "pk", None) else None)
    return donor
