"""What donors announce; receivers are connected in crm.apps.CrmConfig.ready()."""

from django.dispatch import Signal

# Sent (sender Donor) inside the erasure's transaction, before the donor's fields are blanked, with
# donor=<Donor> and email=<the address being erased, or "">. Features whose rows only mean
# something with the person remove them here, and queue outside work (Mailchimp) with on_commit.
donor_erasing = Signal()
