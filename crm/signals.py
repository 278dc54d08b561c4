"""Keep cached figures honest: the public member counter when membership changes, the CRM menu's
Facebook-group queue counts when an invitation is saved or deleted."""

from __future__ import annotations

import importlib

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from crm.invitation_counts import invitation_status_counts_changed
from crm.models import RecurringDonation
from crm.models.invitations import FacebookGroupInvitation


def membership_changed() -> None:
    from home import live_figures

    live_figures.member_count_forget()
    # The campaign page caches its rendering; its owner may or may not provide an invalidation hook.
    try:
        home_cache = importlib.import_module("home.cache")
    except ImportError:
        return
    invalidate = getattr(home_cache, "invalidate_campaign_page", None)
    if callable(invalidate):
        invalidate()


@receiver(post_save, sender=RecurringDonation, dispatch_uid="crm.recurring_saved")
@receiver(post_delete, sender=RecurringDonation, dispatch_uid="crm.recurring_deleted")
def _recurring_donation_changed(sender, instance, **kwargs):
    # After commit, so a reader never caches the old count between our write and its commit.
    transaction.on_commit(membership_changed)


@receiver(post_save, sender=FacebookGroupInvitation, dispatch_uid="crm.invitation_saved")
@receiver(post_delete, sender=FacebookGroupInvitation, dispatch_uid="crm.invitation_deleted")
def _invitation_saved_or_deleted(sender, instance, **kwargs):
    # The services' status changes are UPDATEs (no signal) and forget the counts themselves.
    invitation_status_counts_changed()
