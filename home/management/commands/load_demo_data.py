"""`manage.py load_demo_data`: the first command a new user runs.

Builds the public site in Japanese and English (pages, snippets, images), a demo admin user, and
then the CRM's demo data when the crm app provides it. Safe to run again: it only adds what is
missing.
"""

import io
import logging
import os
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from crm.demo import load_crm_demo
from home.demo.loader import demo_admin_ensure, demo_site_load, member_counter_go_live

DEFAULT_ADMIN_PASSWORD = "welgee-demo-admin"


class Command(BaseCommand):
    help = "Load the WELgee demo site (Japanese and English) and demo CRM data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Rewrite existing demo pages from the demo content (publishes new revisions).",
        )
        parser.add_argument("--skip-crm", action="store_true", help="Do not load the CRM's demo data.")
        parser.add_argument("--skip-index", action="store_true", help="Do not rebuild the search index.")

    def handle(
        self, *args, refresh: bool = False, skip_crm: bool = False, skip_index: bool = False, **options
    ):
        if not settings.DEMO_DATA_ALLOWED:
            # The demo admin's password is published: it must never exist on a real site.
            raise CommandError(
                "load_demo_data refuses to run under production settings (DEMO_DATA_ALLOWED is off)."
            )
        started = time.perf_counter()
        # Wagtail logs every page created and published; for a whole site that is noise.
        wagtail_logger = logging.getLogger("wagtail")
        previous_level = wagtail_logger.level
        wagtail_logger.setLevel(logging.WARNING)
        try:
            report = demo_site_load(refresh=refresh)
        finally:
            wagtail_logger.setLevel(previous_level)
        timings = {"site": time.perf_counter() - started}
        self.stdout.write(f"Site: {report.summary()}.")

        username = "admin"
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or DEFAULT_ADMIN_PASSWORD
        admin_created = demo_admin_ensure(username=username, password=password)

        if not skip_crm:
            phase = time.perf_counter()
            load_crm_demo(stdout=self.stdout)
            # Only now are there members to count: the counter follows the CRM from here on.
            if member_counter_go_live(page_ids=report.campaign_pages_written):
                self.stdout.write("Campaign page: the member counter now shows the CRM's live count.")
            timings["crm"] = time.perf_counter() - phase

        if not skip_index:
            phase = time.perf_counter()
            # The command's own progress lines would drown the summary.
            call_command("update_index", stdout=io.StringIO(), stderr=io.StringIO())
            timings["search index"] = time.perf_counter() - phase

        base_url = (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "http://localhost:8000").rstrip("/")
        phases = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in timings.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready in {time.perf_counter() - started:.1f}s ({phases}).")
        )
        self.stdout.write(f"  Public site: {base_url}/  (English: {base_url}/en/)")
        self.stdout.write(f"  Admin:       {base_url}/admin/")
        self.stdout.write(f"  User:        {username}")
        if admin_created:
            self.stdout.write(f"  Password:    {password}")
        else:
            self.stdout.write(
                f"  Password:    unchanged since the user was created (demo default: {password})"
            )
