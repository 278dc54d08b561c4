"""Every write about receipts and thanks: issuing (numbers), reissuing, voiding, sending by email,
print batches, the annual run, the donor's delivery choice and the thank-you queue.

Sending follows one rule: the sending is recorded (a ReceiptDispatch with a unique key) and
committed before the email goes, and nothing is sent inside a database transaction. A retried task
or a resumed run finds the record and sends nothing; an email whose outcome is unknown (the process
died while sending) stays "sending" for a person to look at rather than going twice.

The package's modules: numbering, issuing, statements, delivery, annual, thanks. Every name callers
use is importable from ``crm.receipts.services``; a test that changes a module's setting (a chunk
size) changes it on the module that reads it.
"""

from crm.receipts.services.annual import (
    ANNUAL_ISSUE_CHUNK,
    ANNUAL_SEND_CHUNK,
    _annual_finish,
    _annual_issue,
    _enqueue_deliver,
    _enqueue_run,
    annual_run_advance,
    annual_run_deliver,
    annual_run_deliver_and_finish,
    annual_run_start,
)
from crm.receipts.services.delivery import (
    DONOR_PAGE_MAX_AGE,
    DONOR_PAGE_SALT,
    _dispatch_key,
    _dispatches_sent,
    _email_for,
    donor_gifts,
    donor_page_link_request,
    donor_page_token_check,
    donor_page_token_make,
    donor_page_url,
    donor_statement_years,
    postal_order,
    print_batch_create,
    print_batch_pdf,
    receipt_delivery_choose,
    receipt_email_send,
    receipt_pdf,
    receipts_waiting_for_post,
)
from crm.receipts.services.issuing import (
    NEW_GIFT_WINDOW,
    PERSONAL_THANKS_WITHIN,
    _enqueue_email,
    _issue_gift_receipt,
    _note_on_timeline,
    _personal_thanks_open,
    _purpose,
    gifts_acknowledge,
    receipt_issue_for_gift,
    receipt_reissue,
    receipt_void,
    receipts_follow_refunds,
)
from crm.receipts.services.numbering import (
    ReceiptError,
    _language,
    local_today,
    numbers_allocate,
    receipt_delivery,
    receipt_recipient,
    receipt_settings,
)
from crm.receipts.services.statements import (
    _annual_gifts,
    _issue_annual_statements,
    annual_statement_for,
    year_total,
)
from crm.receipts.services.thanks import (
    personal_thanks_done,
    thank_you_letters_pdf,
    thank_you_mark,
    thank_you_queue,
)

__all__ = [
    "ANNUAL_ISSUE_CHUNK",
    "ANNUAL_SEND_CHUNK",
    "DONOR_PAGE_MAX_AGE",
    "DONOR_PAGE_SALT",
    "NEW_GIFT_WINDOW",
    "PERSONAL_THANKS_WITHIN",
    "ReceiptError",
    "_annual_finish",
    "_annual_gifts",
    "_annual_issue",
    "_dispatch_key",
    "_dispatches_sent",
    "_email_for",
    "_enqueue_deliver",
    "_enqueue_email",
    "_enqueue_run",
    "_issue_annual_statements",
    "_issue_gift_receipt",
    "_language",
    "_note_on_timeline",
    "_personal_thanks_open",
    "_purpose",
    "annual_run_advance",
    "annual_run_deliver",
    "annual_run_deliver_and_finish",
    "annual_run_start",
    "annual_statement_for",
    "donor_gifts",
    "donor_page_link_request",
    "donor_page_token_check",
    "donor_page_token_make",
    "donor_page_url",
    "donor_statement_years",
    "gifts_acknowledge",
    "local_today",
    "numbers_allocate",
    "personal_thanks_done",
    "postal_order",
    "print_batch_create",
    "print_batch_pdf",
    "receipt_delivery",
    "receipt_delivery_choose",
    "receipt_email_send",
    "receipt_issue_for_gift",
    "receipt_pdf",
    "receipt_recipient",
    "receipt_reissue",
    "receipt_settings",
    "receipt_void",
    "receipts_follow_refunds",
    "receipts_waiting_for_post",
    "thank_you_letters_pdf",
    "thank_you_mark",
    "thank_you_queue",
    "year_total",
]
