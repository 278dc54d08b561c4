"""Signal receivers of giving, connected in crm.apps.CrmConfig.ready()."""

from __future__ import annotations

from crm.giving.services import giving_rebuild, giving_triggers_ensure, income_rebuild


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


def recount_saved_income_day(sender, instance, raw=False, using="default", **kwargs) -> None:
    # The same for a day of stored income loaded from a dump: recount that day from its gifts.
    if raw:
        income_rebuild(day=instance.day, using=using)
