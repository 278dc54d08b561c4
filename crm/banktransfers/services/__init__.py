"""Every write of bank transfers: posting a batch of gifts, and a statement's upload, matching,
review and posting. Modules: batches, statements."""

from crm.banktransfers.services.batches import (
    BatchError,
    BatchRow,
    NewDonor,
    gift_batch_post,
    received_at_for,
)
from crm.banktransfers.services.statements import (
    StatementDiscardError,
    statement_decide,
    statement_discard,
    statement_match,
    statement_post,
    statement_upload,
)

__all__ = [
    "BatchError",
    "BatchRow",
    "NewDonor",
    "StatementDiscardError",
    "gift_batch_post",
    "received_at_for",
    "statement_decide",
    "statement_discard",
    "statement_match",
    "statement_post",
    "statement_upload",
]
