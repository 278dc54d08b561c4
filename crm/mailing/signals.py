"""What mailing announces, sent after commit; receivers are connected in crm.apps.CrmConfig.ready()."""

from django.dispatch import Signal

# Sent with donor_id=<int> (sender Donor) when someone signs up on the site: the push to Mailchimp,
# which sends the double opt-in email, is queued.
newsletter_signup_received = Signal()
