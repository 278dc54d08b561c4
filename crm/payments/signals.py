"""What payments announce, sent after the database transaction that recorded it has committed.

Services send these instead of importing tasks (a service never imports its own tasks module: see
docs/architecture.md); receivers are connected in crm.apps.CrmConfig.ready().
"""

from django.dispatch import Signal

# Sent with donor=<Donor>, recurring_donation=<RecurringDonation> when a monthly gift is canceled
# (sender RecurringDonation). The Facebook-group queue listens.
membership_ended = Signal()

# Sent with donation_id=<int> when a donor's first gift through Stripe is recorded (sender Donation):
# the thank-you email is queued.
first_gift_recorded = Signal()

# Sent with subscription_id=<str> when a Stripe subscription first becomes a monthly membership
# (sender RecurringDonation): subscription events stored before we knew it are queued again.
subscription_recorded = Signal()

# Sent with recovery_id=<int> when a renewal's payment first fails (sender PaymentRecovery): the
# donor's "please update your card" email is queued.
renewal_failed = Signal()
