"""Signals sent when Stripe changes someone's place in the WELgee family.

Receivers (for example the Facebook-group invitations) connect to these; they are sent after the
database transaction that recorded the change has committed.
"""

from django.dispatch import Signal

# Sent with donor=<Donor>, recurring_donation=<RecurringDonation> when a monthly gift is canceled.
membership_ended = Signal()
