"""Keep the Facebook-group queue in step with membership. Connected in crm.apps.CrmConfig.ready(),
so the queue follows membership in every process (web, worker, management commands)."""

from __future__ import annotations

from django.db import transaction

from crm.community.selectors import invitation_status_counts_changed
from crm.community.services.eligibility import invitations_sync_eligibility


def _sync_after_commit(donor_id: int) -> None:
    """Check the donor's place in the queue once the transaction commits.

    Donors touched by one transaction are checked together, once: a cancellation (a status save, then
    the membership_ended signal) or a webhook changing two gifts costs one sync, not one per signal.
    Every signal still registers a callback; the first to run takes every donor waiting on this
    connection and the others find nothing left to do. Ids left behind by a rolled-back transaction
    are checked with the next commit, which is harmless: the sync only reads what is there now.
    """
    connection = transaction.get_connection()
    waiting: set[int] = connection.__dict__.setdefault("_facebook_group_waiting_donors", set())
    waiting.add(donor_id)

    def run() -> None:
        donor_ids = sorted(waiting)
        waiting.clear()
        if donor_ids:
            invitations_sync_eligibility(donor_ids=donor_ids)

    transaction.on_commit(run)


def recurring_donation_saved(sender, instance, created, **kwargs) -> None:
    # RecurringDonation.save() updates _loaded_status after post_save: here it is still the old one.
    if kwargs.get("raw"):
        return
    if created or getattr(instance, "_loaded_status", None) != instance.status:
        _sync_after_commit(instance.donor_id)


def membership_ended(sender, donor, recurring_donation=None, **kwargs) -> None:
    _sync_after_commit(donor.pk)


def invitation_saved_or_deleted(sender, instance, **kwargs) -> None:
    # The services' status changes are UPDATEs (no signal) and forget the counts themselves.
    invitation_status_counts_changed()
