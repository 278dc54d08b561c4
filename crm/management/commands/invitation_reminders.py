"""`manage.py invitation_reminders [--enqueue] [--json]`: the Facebook-group queue's scheduled run.

Brings the queue in line with membership, sends the one reminder due after
FACEBOOK_GROUP_REMIND_AFTER_DAYS and expires invitations unanswered after
FACEBOOK_GROUP_EXPIRE_AFTER_DAYS. Safe to run as often as cron likes: nothing is sent twice.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Sync Facebook-group eligibility, send due reminders and expire unanswered invitations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work for the task worker instead of running it here.",
        )
        parser.add_argument("--json", action="store_true", help="Print the counts as one JSON object.")

    def handle(self, *args, **options):
        if options["enqueue"]:
            from crm.community.tasks import facebook_group_schedule_task

            result = facebook_group_schedule_task.enqueue()
            self.stdout.write(f"Queued task {result.id}")
            return
        from crm.community.services.sending import invitations_run_schedule

        counts = invitations_run_schedule()
        if options["json"]:
            self.stdout.write(json.dumps(counts, sort_keys=True))
        else:
            for key, value in counts.items():
                self.stdout.write(f"{key}: {value}")
