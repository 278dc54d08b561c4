"""What events announce, sent after commit; receivers are connected in crm.apps.CrmConfig.ready()."""

from django.dispatch import Signal

# Sent with invitation_id=<int> and kind=<EmailKind> (sender EventInvitation) when an email to a donor
# is due (invitation, confirmation, promotion from the waiting list, reminder, cancellation).
event_email_due = Signal()
