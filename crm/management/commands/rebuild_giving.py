"""Recount every donor's stored giving summary and the daily income: `manage.py rebuild_giving
[--donor ID ...]` (with --donor, only those donors' summaries).

The triggers keep the summaries right; this is the repair after something bypassed them (a restore
of one table, a bulk fix with triggers disabled). It also reinstalls missing triggers.
"""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand

from crm.giving.services import giving_rebuild, giving_triggers_install, giving_triggers_missing


class Command(BaseCommand):
    help = "Recount the stored lifetime value, gift dates and membership of every donor (or some)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--donor", type=int, action="append", dest="donor_ids", help="Only this donor id."
        )
        parser.add_argument("--json", action="store_true", help="One JSON object, for scripts.")

    def handle(self, *args, donor_ids=None, **options):
        started = time.perf_counter()
        missing = giving_triggers_missing()
        if missing:
            giving_triggers_install()
        changed = giving_rebuild(donor_ids=donor_ids)
        result = {
            "rows_updated": changed,
            "triggers_reinstalled": missing,
            "seconds": round(time.perf_counter() - started, 2),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"Recounted giving summaries: {changed:,} rows updated in {result['seconds']} s"
                + (f"; reinstalled triggers {', '.join(missing)}" if missing else "")
            )
