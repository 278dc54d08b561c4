"""The CRM's tables, by name. Each feature keeps its models in crm/<feature>/models.py; Django loads
this module for the `crm` app, so every model is listed here (a new one is added by hand)."""

from crm.banktransfers.models import BankStatement, GiftBatch, GiftBatchEntry, StatementLine
from crm.community.models import FacebookGroupInvitation, FacebookGroupInvitationEvent, FacebookGroupSettings
from crm.companies.models import PartnerCompany
from crm.donors.models import ConsentChange, Donor, DonorEmailHistory, TaggedDonor, normalise_email
from crm.events.models import Event, EventEmail, EventInvitation, EventPage
from crm.giving.models import DailyIncome, Donation, DonorGiving, RecurringDonation, RecurringDonationChange
from crm.imports.models import DonorImportJob
from crm.interactions.models import Interaction
from crm.mailing.models import MailchimpMemberState, MailchimpSyncRun
from crm.mailings.models import Mailing, MailingPiece, ReturnedMail
from crm.payments.models import (
    CardExpiryReminder,
    ManageGiftLinkUse,
    PaymentCard,
    PaymentRecovery,
    RecoveryEmail,
    StripeEvent,
    StripeSubscriptionClock,
)
from crm.receipts.models import (
    AnnualReceiptRun,
    PersonalThanks,
    PrintBatch,
    Receipt,
    ReceiptCounter,
    ReceiptDispatch,
    ReceiptSettings,
)
from crm.segments.models import Segment

__all__ = [
    "AnnualReceiptRun",
    "BankStatement",
    "CardExpiryReminder",
    "ConsentChange",
    "DailyIncome",
    "Donation",
    "Donor",
    "DonorEmailHistory",
    "DonorGiving",
    "DonorImportJob",
    "Event",
    "EventEmail",
    "EventInvitation",
    "EventPage",
    "FacebookGroupInvitation",
    "FacebookGroupInvitationEvent",
    "FacebookGroupSettings",
    "GiftBatch",
    "GiftBatchEntry",
    "Interaction",
    "MailchimpMemberState",
    "MailchimpSyncRun",
    "Mailing",
    "MailingPiece",
    "ManageGiftLinkUse",
    "PartnerCompany",
    "PaymentCard",
    "PaymentRecovery",
    "PersonalThanks",
    "PrintBatch",
    "Receipt",
    "ReceiptCounter",
    "ReceiptDispatch",
    "ReceiptSettings",
    "RecoveryEmail",
    "RecurringDonation",
    "RecurringDonationChange",
    "ReturnedMail",
    "Segment",
    "StatementLine",
    "StripeEvent",
    "StripeSubscriptionClock",
    "TaggedDonor",
    "normalise_email",
]
