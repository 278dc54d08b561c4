"""Pushing 10,000 members to the fake Mailchimp: API requests and wall time, first push and re-push.

    .venv/bin/python bench/bench_mailchimp_push.py [--members 10000]

Uses a throwaway SQLite database (or DATABASE_URL if set) and the fake server from tests/.
Targets: <= 50 requests for the first push, <= 5 for a no-change re-push. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench_mailchimp.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def run(members: int = 10_000) -> dict:
    _setup_django()
    from django.conf import settings

    from crm.mailing.services.sync import mailchimp_push
    from crm.models import Donor, MailchimpMemberState, Segment
    from tests.mailchimp_fake import FakeMailchimp

    MailchimpMemberState.objects.all().delete()
    Donor.objects.filter(email__endswith="@bench.example.org").delete()
    Donor.objects.bulk_create(
        [
            Donor(
                email=f"m{i}@bench.example.org",
                given_name=f"G{i}",
                family_name="Bench",
                newsletter_status=Donor.NewsletterStatus.SUBSCRIBED,
                preferred_language="en" if i % 3 else "ja",
            )
            for i in range(members)
        ],
        batch_size=2000,
    )
    segment, _ = Segment.objects.update_or_create(
        slug="bench-english",
        defaults={
            "name": "Bench English",
            "rules": [{"type": "rule", "value": {"field": "language", "operator": "is", "value": "en"}}],
        },
    )
    with FakeMailchimp() as fake:
        settings.MAILCHIMP_API_KEY = fake.api_key
        settings.MAILCHIMP_AUDIENCE_ID = fake.audience_id
        settings.MAILCHIMP_API_URL = fake.api_url
        settings.MAILCHIMP_BATCH_POLL_SECONDS = 0.2
        t0 = time.perf_counter()
        first = mailchimp_push(segments=[segment], trigger="bench")
        first_seconds = time.perf_counter() - t0
        first_requests = fake.request_count
        first_summary = fake.request_summary()
        max_connections = fake.max_concurrent_requests
        fake.reset_counters()
        t0 = time.perf_counter()
        second = mailchimp_push(segments=[segment], trigger="bench")
        second_seconds = time.perf_counter() - t0
        result = {
            "bench": "mailchimp_push",
            "members": members,
            "first_push_requests": first_requests,
            "first_push_seconds": round(first_seconds, 2),
            "first_push_created": first.created,
            "first_push_tagged": first.tagged,
            "first_push_failed": first.failed,
            "first_push_request_kinds": first_summary,
            "repush_requests": fake.request_count,
            "repush_seconds": round(second_seconds, 2),
            "repush_member_writes": second.created + second.updated,
            "audience_size": fake.member_count,
            "max_concurrent_connections": max_connections,
            "target_first_push_requests": 50,
            "target_repush_requests": 5,
        }
    result["ok"] = result["first_push_requests"] <= 50 and result["repush_requests"] <= 5
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    args = parser.parse_args()
    print(json.dumps(run(args.members)))
