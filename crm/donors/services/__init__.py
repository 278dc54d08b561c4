"""Every write with a business meaning. Keyword-only, typed, atomic; network calls go outside."""

from crm.donors.services.donors import DonorExistsError, donor_create, donor_upsert
from crm.donors.services.merge import DonorMergeError, donors_merge
from crm.donors.services.privacy import DonorErasureError, donor_erase, donor_export_json

__all__ = [
    "DonorErasureError",
    "DonorExistsError",
    "DonorMergeError",
    "donor_create",
    "donor_erase",
    "donor_export_json",
    "donor_upsert",
    "donors_merge",
]
