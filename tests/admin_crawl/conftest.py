"""One shared world for the admin crawl: the demo data, then a day of work on it.

Built once per module inside a transaction that is rolled back at the end, so the other tests never
see it; each test still runs in its own savepoint (pytest-django's `db`).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings

from crm.groups import COMMUNICATIONS, FUNDRAISING

ROLES = ("anonymous", "staff_no_group", "communications", "fundraising", "superuser")

IMPORT_CSV = (
    "氏名,メールアドレス,郵便番号,寄付金額,寄付日\n"
    '山田 太郎,crawl-taro@example.jp,1500001,"1,000円",令和5年3月15日\n'
    "佐藤 花子,crawl-hanako@example.jp,15,3000,2023/3/15\n"
).encode("cp932")


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)
    # Texts that only CRM screens may show: Communications must never see them.
    crm_secrets: list[str] = field(default_factory=list)


def _commit_callbacks():
    # The world lives in an outer transaction that never commits: run what services schedule "on
    # commit" (queued tasks, with the immediate backend) as if each step had committed.
    return TestCase.captureOnCommitCallbacks(execute=True)


def _users() -> dict[str, object]:
    User = get_user_model()
    users: dict[str, object] = {"anonymous": None}
    users["staff_no_group"] = User.objects.create_user("crawl-staff", "staff@example.org", "x", is_staff=True)
    for role, group in (("communications", COMMUNICATIONS), ("fundraising", FUNDRAISING)):
        user = User.objects.create_user(f"crawl-{role}", f"{role}@example.org", "x", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        users[role] = user
    users["superuser"] = User.objects.create_superuser("crawl-admin", "admin@example.org", "x")
    return users


def _wagtail_rows() -> None:
    """Rows of Wagtail's own screens the demo does not make: a document, a redirect, a search pick, a
    collection, a testimonial revision, a disabled workflow."""
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion
    from wagtail.documents import get_document_model
    from wagtail.models import Collection, GroupApprovalTask, Page, Workflow, WorkflowTask

    from home.models import StoryPage, Testimonial

    get_document_model().objects.create(
        title="年次報告書", file=ContentFile(b"%PDF-1.4 report", name="report.pdf")
    )
    Redirect.objects.create(old_path="/old-story", redirect_page=StoryPage.objects.first())
    SearchPromotion.objects.create(
        query=Query.get("寄付"), page=Page.objects.filter(depth=2).first(), sort_order=0
    )
    Collection.get_first_root_node().add_child(name="報道写真")
    # The site publishes without workflows (the default one is removed on install), but Wagtail's
    # workflow screens still exist for a superuser: give them a disabled workflow to open.
    workflow = Workflow.objects.create(name="Crawl check (not used)", active=False)
    task = GroupApprovalTask.objects.create(name="Crawl check approval")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    testimonial = Testimonial.objects.order_by("pk").first()
    testimonial.save_revision().publish()  # its history has a revision to open and compare


def _crm_work(users: dict, tmp: str) -> None:
    """A Mailchimp push (one that works, one without settings), a Stripe gift, an import, a Facebook
    group send, a saved segment: every log and queue has rows."""
    from crm.community import services as invitations
    from crm.imports.services import jobs as import_jobs
    from crm.mailing.services.sync import mailchimp_push
    from crm.models import Donor, FacebookGroupInvitation, FacebookGroupSettings, Segment
    from tests.mailchimp_fake.server import FakeMailchimp
    from tests.stripe_fake.fixtures import TEST_SECRET_KEY, TEST_WEBHOOK_SECRET, signed_post
    from tests.stripe_fake.server import FakeStripe

    segment = Segment.objects.create(
        name="英語で読む方", slug="english-readers",
        rules=[{"type": "rule", "value": {"field": "language", "operator": "is", "value": "en"}}],
    )  # fmt: skip
    with FakeMailchimp() as fake, override_settings(
        MAILCHIMP_API_KEY=fake.api_key, MAILCHIMP_AUDIENCE_ID=fake.audience_id, MAILCHIMP_API_URL=fake.api_url,
        MAILCHIMP_BACKOFF_SECONDS=0.01, MAILCHIMP_BATCH_POLL_SECONDS=0.05, MAILCHIMP_TIMEOUT_SECONDS=0.5,
    ), _commit_callbacks():  # fmt: skip
        mailchimp_push(segments=[segment], whole_audience=False, trigger="crawl")
    with override_settings(MAILCHIMP_API_KEY="", MAILCHIMP_AUDIENCE_ID=""), _commit_callbacks():
        mailchimp_push(segments=[segment], whole_audience=False, trigger="crawl without settings")

    stripe = FakeStripe()
    stripe.serve()
    try:
        with override_settings(
            STRIPE_SECRET_KEY=TEST_SECRET_KEY, STRIPE_PUBLISHABLE_KEY="pk_test_fake_welgee",
            STRIPE_WEBHOOK_SECRET=TEST_WEBHOOK_SECRET, STRIPE_API_BASE=stripe.base_url,
            STRIPE_MAX_NETWORK_RETRIES=1, STRIPE_TIMEOUT_SECONDS=2,
        ):  # fmt: skip
            from django.test import Client

            from crm.payments import client as stripe_api

            session = stripe_api.create_checkout_session(
                amount_jpy=3000, frequency="monthly", locale="ja",
                metadata={"page_id": "1", "tier": "3000", "language": "ja"}, idempotency_key="crawl-gift",
                success_url="http://testserver/s", cancel_url="http://testserver/c",
            )  # fmt: skip
            client = Client()
            for event in stripe.complete_checkout(
                session.id, email="crawl-gift@example.org", name="川口 由美"
            ):
                with _commit_callbacks():
                    assert signed_post(client, event).status_code == 200
    finally:
        stripe.shutdown()

    with override_settings(CRM_IMPORT_DIR=tmp), _commit_callbacks():
        job = import_jobs.import_job_start(
            upload=SimpleUploadedFile("list.csv", IMPORT_CSV), user=users["fundraising"]
        )
    with override_settings(CRM_IMPORT_DIR=tmp), _commit_callbacks():
        import_jobs.import_job_confirm(job=job)
    with override_settings(CRM_IMPORT_DIR=tmp), _commit_callbacks():  # one left waiting for confirmation
        import_jobs.import_job_start(
            upload=SimpleUploadedFile("second.csv", IMPORT_CSV), user=users["fundraising"]
        )

    group = FacebookGroupSettings.load()
    group.group_url = "https://www.facebook.com/groups/welgee-family"
    group.save()
    with _commit_callbacks():
        invitations.invitations_sync_eligibility()
    queue = list(FacebookGroupInvitation.objects.filter(status="eligible").order_by("pk")[:3])
    with _commit_callbacks():
        invitations.invitation_send(invitation=queue[0], user=users["fundraising"])
        invitations.invitation_send(invitation=queue[1], user=users["fundraising"])
        invitations.invitation_mark_joined(invitation=queue[1], user=users["fundraising"])

    assert Donor.objects.filter(email="crawl-gift@example.org").exists()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    from crm.models import Donor

    with django_db_blocker.unblock(), tempfile.TemporaryDirectory() as tmp:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(MEDIA_ROOT=f"{tmp}/media"):
                with _commit_callbacks():
                    call_command("load_demo_data", "--skip-index", stdout=io.StringIO())
                users = _users()
                _wagtail_rows()
                _crm_work(users, f"{tmp}/imports")
                secrets = [d.email for d in Donor.objects.order_by("pk")[:3]] + ["crawl-gift@example.org"]
                yield World(users=users, crm_secrets=secrets)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()
