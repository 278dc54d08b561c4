"""The Facebook-group invitation workflow, by name (the modules: invitations.py holds the status
changes every other part goes through; eligibility.py, sending.py and paste.py the rest)."""

from crm.community.services.eligibility import (
    SyncResult,
    invitation_add_manually,
    invitations_sync_eligibility,
)
from crm.community.services.invitations import (
    LOG_ACTIONS,
    BulkResult,
    InvitationError,
    invitation_mark_declined,
    invitation_mark_joined,
    invitation_mark_removed,
    invitation_return_to_queue,
    invitations_mark_many,
)
from crm.community.services.paste import MatchLine, MatchOutcome, invitations_match_paste
from crm.community.services.sending import (
    ReminderResult,
    SendResult,
    invitation_send,
    invitations_remind_and_expire,
    invitations_run_schedule,
    invitations_send_many,
)

__all__ = [
    "LOG_ACTIONS",
    "BulkResult",
    "InvitationError",
    "MatchLine",
    "MatchOutcome",
    "ReminderResult",
    "SendResult",
    "SyncResult",
    "invitation_add_manually",
    "invitation_mark_declined",
    "invitation_mark_joined",
    "invitation_mark_removed",
    "invitation_return_to_queue",
    "invitation_send",
    "invitations_mark_many",
    "invitations_match_paste",
    "invitations_remind_and_expire",
    "invitations_run_schedule",
    "invitations_send_many",
    "invitations_sync_eligibility",
]
