"""Signal receivers of the postal mailings, connected with their sender in crm.apps.CrmConfig.ready()."""

from __future__ import annotations

from crm.donors.models import Donor
from crm.mailings import services


def donor_address_fill_receiver(sender, instance: Donor, raw: bool = False, **kwargs) -> None:
    """pre_save: the donor form fills prefecture and city from the postal code, without JavaScript."""
    if raw or instance.erased_at:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "postal_code" not in update_fields:
        return
    services.donor_address_fill(donor=instance)


def donor_erased_receiver(sender, instance: Donor, raw: bool = False, **kwargs) -> None:
    """post_save: runs only for erased donors (erasure saves the donor once, in its transaction)."""
    if raw or not instance.erased_at:
        return
    services.donor_erased_cleanup(donor=instance)
