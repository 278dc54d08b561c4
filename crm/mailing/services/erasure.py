"""APPI erasure in Mailchimp: the member is deleted there too, not only blanked in the CRM.

The CRM forgets its member state inside the erasure's transaction; the API call runs after commit in
a task that is handed only Mailchimp's member id (the MD5 of the lower-cased address, which is how
Mailchimp names members), never the address itself, so the task row keeps no email.
"""

from __future__ import annotations

from crm.donors.models import Donor
from crm.mailing.client import MailchimpClient, MailchimpConfig, subscriber_hash
from crm.mailing.models import MailchimpMemberState


def mailchimp_member_forget_locally(*, donor: Donor, email: str) -> list[str]:
    """Removes the donor's member state; returns the Mailchimp member ids to delete there."""
    emails = {
        e
        for e in [email, *MailchimpMemberState.objects.filter(donor=donor).values_list("email", flat=True)]
        if e
    }
    MailchimpMemberState.objects.filter(donor=donor).delete()
    return sorted({subscriber_hash(e) for e in emails})


def mailchimp_member_delete(*, member_hash: str, client: MailchimpClient | None = None) -> bool:
    """Deletes one member permanently in Mailchimp; False when Mailchimp is not set up or has no such member."""
    if client is None and not MailchimpConfig.from_settings().is_configured:
        return False
    own_client = client is None
    client = client or MailchimpClient()
    try:
        return client.delete_member_permanently(member_hash=member_hash)
    finally:
        if own_client:
            client.close()
