"""A donor's giving summary, stored: lifetime value, first and last gift, membership.

Computed per donor with subqueries, these figures made sorting 100,000 donors and counting
segments take seconds; stored, they are indexed columns. Database triggers (crm.giving_sql) keep
them right on every write path, including bulk inserts, queryset.update() and raw SQL, so nothing
in Python writes to this table except the repair (`manage.py rebuild_giving`).

A separate table rather than columns on Donor: Donor.save() writes every column it has, and a donor
form saved with figures loaded a second before would put back stale ones.
"""

from __future__ import annotations

from django.db import models
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class DonorGiving(models.Model):
    donor = models.OneToOneField(
        "crm.Donor",
        primary_key=True,
        related_name="giving",
        on_delete=models.CASCADE,
        verbose_name=_("donor"),
    )
    lifetime_value = models.BigIntegerField(
        _("lifetime value (JPY)"),
        default=0,
        help_text=_("Succeeded gifts in JPY, less what was refunded."),
    )
    gift_count = models.PositiveIntegerField(_("gifts"), default=0)
    first_gift_at = models.DateTimeField(_("first gift"), null=True, blank=True)
    last_gift_at = models.DateTimeField(_("last gift"), null=True, blank=True)
    is_member = models.BooleanField(_("monthly member"), default=False)
    member_since = models.DateTimeField(_("member since"), null=True, blank=True)
    monthly_amount = models.PositiveIntegerField(
        _("monthly amount (JPY)"),
        default=0,
        help_text=_("Active monthly gifts in JPY; a yearly gift counts as a twelfth."),
    )

    class Meta:
        verbose_name = _("giving summary")
        verbose_name_plural = _("giving summaries")
        indexes = [
            # The donor listing's sorts (both directions read one index) and the segment ranges.
            models.Index(fields=["lifetime_value", "donor"], name="crm_giving_lifetime_idx"),
            models.Index(fields=["last_gift_at", "donor"], name="crm_giving_last_gift_idx"),
            models.Index(fields=["member_since", "donor"], name="crm_giving_member_since_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.donor_id}: ¥{self.lifetime_value:,}"


def _recount_saved_row(sender, instance, raw=False, using="default", **kwargs):
    # loaddata (and a serialized test rollback) saves rows as dumped, then inserts the donations,
    # which the triggers add again: recounting the row from the donations present when it is saved
    # keeps the total right in whichever order the fixture has them.
    from crm.services.giving import giving_rebuild

    giving_rebuild(donor_ids=[instance.pk], using=using)


post_save.connect(_recount_saved_row, sender=DonorGiving, dispatch_uid="crm.giving_saved")


def _reinstall_giving_triggers(sender, app_config=None, using="default", **kwargs):
    if app_config is None or app_config.label != "crm":
        return
    from crm.services.giving import giving_triggers_ensure

    giving_triggers_ensure(using=using)


# On SQLite, a later migration that alters the donor, donation or recurring donation table rebuilds
# it (create a copy, drop the original), and dropping a table drops its triggers. Checking after
# every migrate puts them back and recounts, instead of leaving the figures silently frozen.
post_migrate.connect(_reinstall_giving_triggers, dispatch_uid="crm.giving_triggers")
