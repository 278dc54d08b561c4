"""CRM tables. Each module holds one part of the CRM; this package re-exports them."""

from crm.models.companies import PartnerCompany
from crm.models.donations import Donation, RecurringDonation, RecurringDonationChange
from crm.models.donors import ConsentChange, Donor, DonorEmailHistory, TaggedDonor, normalise_email
from crm.models.interactions import Interaction

__all__ = [
    "ConsentChange",
    "Donation",
    "Donor",
    "DonorEmailHistory",
    "Interaction",
    "PartnerCompany",
    "RecurringDonation",
    "RecurringDonationChange",
    "TaggedDonor",
    "normalise_email",
]
