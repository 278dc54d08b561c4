"""python manage.py sync_mailchimp [--segment SLUG ...] [--all] [--reconcile] [--enqueue]

For a schedule, cron runs it (or the worker runs the same tasks), e.g.:
    */30 * * * *  python manage.py sync_mailchimp --all
    15 3 * * *    python manage.py sync_mailchimp --reconcile
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from crm.mailing.services.reconcile import mailchimp_reconcile
from crm.mailing.services.sync import mailchimp_push
from crm.segments.models import Segment


class Command(BaseCommand):
    help = "Push segments and members to the Mailchimp audience (or reconcile consent back from it)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--segment",
            action="append",
            default=[],
            metavar="SLUG",
            help="Push only this segment's members and tag (repeatable).",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="Push every consenting donor and every segment marked for Mailchimp.",
        )
        parser.add_argument(
            "--reconcile",
            action="store_true",
            help="Page through the audience and correct CRM consent (nightly).",
        )
        parser.add_argument("--enqueue", action="store_true", help="Queue a background task instead.")

    def handle(self, *args, segment, all, reconcile, enqueue, **options):
        if reconcile:
            if enqueue:
                from crm.mailing.tasks import mailchimp_reconcile_task

                self.stdout.write(str(mailchimp_reconcile_task.enqueue(trigger="command").id))
                return
            run = mailchimp_reconcile(trigger="command")
        else:
            segments = None
            if segment:
                segments = list(Segment.objects.filter(slug__in=segment))
                missing = set(segment) - {s.slug for s in segments}
                if missing:
                    raise CommandError(f"Unknown segment(s): {', '.join(sorted(missing))}")
            whole = all or not segment
            if enqueue:
                from crm.mailing.tasks import mailchimp_push_task

                result = mailchimp_push_task.enqueue(
                    segment_ids=None if segments is None else [s.pk for s in segments],
                    whole_audience=whole,
                    trigger="command",
                )
                self.stdout.write(str(result.id))
                return
            run = mailchimp_push(segments=segments, whole_audience=whole, trigger="command")
        summary = {
            "run": run.pk,
            "kind": run.kind,
            "status": run.status,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "tagged": run.tagged,
            "untagged": run.untagged,
            "failed": run.failed,
            "corrected": run.corrected,
            "api_calls": run.api_calls,
            "seconds": run.seconds,
            "error": run.error,
        }
        self.stdout.write(json.dumps(summary))
        if run.status == run.Status.FAILED:
            raise CommandError(run.error or "sync failed")
