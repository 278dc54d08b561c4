"""Signal receivers of giving, connected in crm.apps.CrmConfig.ready()."""

from __future__ import annotations

from django.db import transaction

from crm.giving.services import giving_rebuild, giving_triggers_ensure


def recount_saved_row(sender, instance, raw=False, using="default", **kwargs) -> None:
    # loaddata (and a serialized test rollback) saves rows as dumped, then inserts the donations,
    # which the triggers add again: recounting the row from the donations present when it is saved
    # keeps the total right in whichever order the fixture has them.
    giving_rebuild(donor_ids=[instance.pk], using=using)


def reinstall_giving_triggers(sender, using="default", **kwargs) -> None:
    # On SQLite, a later migration that alters the donor, donation or recurring donation table rebuilds
    # it (create a copy, drop the original), and dropping a table drops its triggers. Checking after
    # every migrate puts them back and recounts, instead of leaving the figures silently frozen.
    giving_triggers_ensure(using=using)


def membership_changed(sender, **kwargs) -> None:
    # After commit, so a reader never caches the old count between our write and its commit.
    # TODO(issue 12, home side): home connects its own receiver (member counter and campaign page
    # cache) to RecurringDonation; this call goes then, and crm no longer imports home.
    from home import live_figures

    transaction.on_commit(live_figures.member_count_forget)
