"""CRM tables. Each module holds one part of the CRM; this package re-exports them.

Modules other parts of the CRM add here (Stripe events, segments, invitations, imports...) are
imported automatically, and their models re-exported, so Django registers them without every
helper editing this file.
"""

import importlib
import pkgutil

from django.db import models as _models

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

_CORE = {"companies", "donations", "donors", "interactions"}

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
    if _info.name in _CORE or _info.name.startswith("_"):
        continue
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    for _name, _value in vars(_module).items():
        if (
            isinstance(_value, type)
            and issubclass(_value, _models.Model)
            and _value.__module__ == _module.__name__
            and _name not in globals()
        ):
            globals()[_name] = _value
            __all__.append(_name)

# Feature folders' models, imported by name (crm/receipts).
from crm.receipts.models import (  # noqa: E402
    AnnualReceiptRun,
    PersonalThanks,
    PrintBatch,
    Receipt,
    ReceiptCounter,
    ReceiptDispatch,
    ReceiptSettings,
)

__all__ += [
    "AnnualReceiptRun",
    "PersonalThanks",
    "PrintBatch",
    "Receipt",
    "ReceiptCounter",
    "ReceiptDispatch",
    "ReceiptSettings",
]
