"""Complete erasure (issue 13, APPI): after a donor is erased, nothing in the database says who they
were. The donor is made with marker strings in every personal field, goes through a Stripe gift, a
Mailchimp push, an import, a receipt, an event answer, a queued task, an interaction and audit-log
entries; then they are erased from the admin and every table (found by introspection, all columns,
SQLite and PostgreSQL) is read back and searched for the markers."""

from __future__ import annotations

import datetime
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.log_actions import log

from crm.donors.services.erasure_sweep import ERASED
from crm.events.services import event_answer
from crm.imports.services.jobs import import_job_confirm, import_job_start, job_file_exists
from crm.mailing.client import subscriber_hash
from crm.mailing.services.sync import mailchimp_push_donor
from crm.models import Donation, Donor, DonorImportJob, Event, EventInvitation, Interaction, Receipt
from crm.payments import client as stripe_api
from crm.payments.models import StripeEvent
from crm.receipts.services import receipt_issue_for_gift
from tests.crm.test_admin_fixtures import superuser_fixture  # noqa: F401
from tests.mailchimp_fake.fixtures import fake_mailchimp_fixture  # noqa: F401
from tests.stripe_fake.fixtures import fake_stripe, fake_stripe_server, signed_post

__all__ = ["fake_stripe", "fake_stripe_server"]

pytestmark = pytest.mark.django_db(transaction=False)

EMAIL = "qmark.erase@example.org"
FAMILY, GIVEN = "Qfamzx", "Qgivzx"
KANA_FAMILY, KANA_GIVEN = "ゾゾマーク", "ポポマーク"
PHONE = "090-7777-4321"
ADDRESS = "Qaddrzx 9-9-9"
NOTE = "Qnotezx prefers calls"
MARKERS = [
    EMAIL,
    "qmark.erase",
    FAMILY,
    GIVEN,
    KANA_FAMILY,
    KANA_GIVEN,
    PHONE,
    "09077774321",
    "9077774321",  # the number as Stripe writes it: +81 90-7777-4321, +819077774321
    "Qaddrzx",
    "Qnotezx",
]


def dump_database() -> str:
    """Every row of every table, as text (what a stolen backup would show)."""
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                cells = []
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("utf-8", errors="replace")
                    cells.append(str(value))
                lines.append(f"{table}: " + " | ".join(cells))
    return "\n".join(lines)


def markers_in(text: str) -> dict[str, list[str]]:
    found = {}
    lowered = text.lower()
    for marker in MARKERS:
        for form in {marker, json.dumps(marker)[1:-1]}:  # JSON stored with \\u escapes on SQLite
            if form.lower() in lowered:
                found[marker] = [line[:300] for line in text.splitlines() if form.lower() in line.lower()][:5]
    return found


def _import_csv() -> bytes:
    header = "Family name,Given name,Family name kana,Given name kana,Email,Phone,Address,Amount,Date,Method,Language\n"
    row = f"{FAMILY},{GIVEN},{KANA_FAMILY},{KANA_GIVEN},{EMAIL},{PHONE},{ADDRESS},2000,2025-04-01,bank transfer,ja\n"
    return (header + row).encode("utf-8")


@pytest.fixture
def donor_everywhere(client, superuser, fake_stripe, fake_mailchimp, django_capture_on_commit_callbacks):
    # A one-off card gift: Stripe's events carry the name and email, stored as they came.
    session = stripe_api.create_checkout_session(
        amount_jpy=3000,
        frequency="once",
        locale="en",
        metadata={"page_id": "1", "tier": "3000", "language": "en"},
        idempotency_key=f"erase-{time.time_ns()}",
        success_url="http://testserver/s",
        cancel_url="http://testserver/c",
    )
    for event in fake_stripe.complete_checkout(session.id, email=EMAIL, name=f"{GIVEN} {FAMILY}"):
        with django_capture_on_commit_callbacks(execute=True):
            assert signed_post(client, event).status_code == 200
    donor = Donor.objects.get(email=EMAIL)
    assert StripeEvent.objects.filter(payload__icontains="qmark").exists() or markers_in(dump_database())

    donor.family_name_kana, donor.given_name_kana, donor.phone = KANA_FAMILY, KANA_GIVEN, PHONE
    donor.postal_code, donor.prefecture, donor.city, donor.address_line = (
        "150-0001",
        "東京都",
        "渋谷区",
        ADDRESS,
    )
    donor.notes, donor.newsletter_status = NOTE, Donor.NewsletterStatus.SUBSCRIBED
    donor.save()
    log(instance=donor, action="wagtail.edit", user=superuser)
    # Stripe keeps the phone in its own format (E.164, or as the donor typed it at checkout).
    StripeEvent.objects.create(
        event_id="evt_phone_update",
        type="customer.updated",
        payload={"data": {"object": {"phone": "+81 90-7777-4321", "shipping": {"phone": "+819077774321"}}}},
        created=timezone.now(),
    )
    Interaction.objects.create(donor=donor, kind="call", summary=NOTE, happened_at=timezone.now())

    # Mailchimp: the member and our state of it.
    assert mailchimp_push_donor(donor_id=donor.pk) is True
    assert fake_mailchimp.member(EMAIL) is not None

    # An import of a file that holds them (dry run preview, then the import's result).
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_start(upload=SimpleUploadedFile("donors.csv", _import_csv()), user=superuser)
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert import_job_confirm(job=job)
    assert DonorImportJob.objects.get(pk=job.pk).stage == "done"
    # A second upload of the same list waits for confirmation: its file is still in storage.
    with django_capture_on_commit_callbacks(execute=True):
        waiting = import_job_start(upload=SimpleUploadedFile("again.csv", _import_csv()), user=superuser)
    assert DonorImportJob.objects.get(pk=waiting.pk).stage == "checked" and job_file_exists(waiting)

    # A receipt for the gift, and an answered event invitation.
    receipt = receipt_issue_for_gift(donation=Donation.objects.filter(donor=donor).first())
    assert FAMILY in receipt.recipient_name
    event = Event.objects.create(
        title="交流会",
        starts_at=timezone.now() + datetime.timedelta(days=10),
        ends_at=timezone.now() + datetime.timedelta(days=10, hours=2),
    )
    invitation = EventInvitation.objects.create(event=event, donor=donor)
    with django_capture_on_commit_callbacks(execute=True):
        event_answer(invitation=invitation, answer="yes")

    # A task queued in the database backend with the address in its arguments, and one that failed
    # with it in its traceback (the production queue keeps both).
    for status, traceback in (("READY", ""), ("FAILED", f"ValueError: no such customer {EMAIL}")):
        DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": [], "kwargs": {"email": EMAIL, "link_template": "x"}},
            task_path="crm.payments.tasks.stripe_manage_gift_link_task",
            backend_name="default",
            queue_name="default",
            run_after=timezone.now(),
            exception_class_path="builtins.ValueError" if traceback else "",
            traceback=traceback,
        )
    found = markers_in(dump_database())
    assert {EMAIL, FAMILY, GIVEN, KANA_FAMILY, "09077774321", "9077774321", "Qaddrzx", "Qnotezx"} <= set(
        found
    ), found
    return donor, receipt, waiting


def test_an_erased_donor_is_nowhere_in_the_database(
    client, superuser, donor_everywhere, fake_mailchimp, django_capture_on_commit_callbacks
):
    donor, receipt, waiting = donor_everywhere
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("crm_donor:erase", args=[donor.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    donor.refresh_from_db()
    assert donor.erased_at

    left = markers_in(dump_database())
    assert left == {}, json.dumps(left, ensure_ascii=False, indent=1)

    # The upload still waiting for confirmation is cancelled and its file deleted.
    waiting.refresh_from_db()
    assert waiting.stage == "canceled" and not job_file_exists(waiting)
    # Mailchimp forgot them too (deleted permanently, not just unsubscribed).
    assert fake_mailchimp.member(EMAIL) is None
    assert subscriber_hash(EMAIL) in fake_mailchimp.permanently_deleted
    # The kept records keep the money and the date; the name is a placeholder.
    receipt.refresh_from_db()
    assert receipt.amount == 3000 and receipt.issued_on and ERASED in receipt.recipient_name
    assert Donation.objects.filter(donor=donor, amount=3000).exists()
    assert Receipt.objects.filter(pk=receipt.pk).exists()


def test_the_dump_finds_what_it_looks_for():
    # The search must work on this database's JSON storage, or an empty result would prove nothing.
    StripeEvent.objects.create(
        event_id="evt_probe",
        type="probe",
        payload={"name": f"{KANA_FAMILY} {FAMILY}"},
        created=timezone.now(),
    )
    assert {KANA_FAMILY, FAMILY} <= set(markers_in(dump_database()))


def test_erasure_leaves_other_donors_alone(superuser):
    from crm.donors.services.privacy import donor_erase
    from crm.factories import DonorFactory

    other = DonorFactory(family_name="山田", given_name="花子", email="hanako@example.org")
    erased = DonorFactory(family_name="山田", given_name="太郎", email="taro@example.org")
    log(instance=other, action="wagtail.edit", user=superuser)
    donor_erase(donor=erased, user=superuser)
    other.refresh_from_db()
    assert (other.family_name, other.given_name, other.email) == ("山田", "花子", "hanako@example.org")
    assert "山田" in dump_database()
