"""What receipts announce; receivers (crm.receipts.receivers) queue the work, connected in
crm.apps.CrmConfig.ready(). Services send these after commit, so a worker never reads a row that a
rollback took away, and services never import their own tasks (docs/architecture.md)."""

from django.dispatch import Signal

# receipt_id=<int> (sender Receipt): the receipt is issued and the donor wants it by email.
receipt_email_due = Signal()
# run_id=<int> (sender AnnualReceiptRun): the annual run has statements left to issue.
annual_run_due = Signal()
# run_id=<int> (sender AnnualReceiptRun): the annual run's statements are issued; send them.
annual_run_delivery_due = Signal()
