"""The demo leaves receipts, a past annual run, a print batch and gifts in every thank-you state."""

import pytest
from django.utils import timezone

from crm.demo import load_crm_demo
from crm.models import AnnualReceiptRun, Donation, Interaction, PersonalThanks, PrintBatch, Receipt

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Receipt.objects.count(),
        PrintBatch.objects.count(),
        Interaction.objects.count(),
        PersonalThanks.objects.count(),
    )


def test_demo_receipts_are_there_and_idempotent():
    load_crm_demo()
    run = AnnualReceiptRun.objects.get(year=timezone.localdate().year - 1)
    assert run.status == "done" and run.statements_issued > 100 and run.emails_sent > 0 and run.print_batch
    assert Receipt.objects.filter(kind="gift").exists()
    assert (
        Receipt.objects.filter(status="voided").exists()
        and Receipt.objects.filter(reissue_count__gt=0).exists()
    )
    states = set(Donation.objects.values_list("thank_you_status", flat=True))
    assert states >= {"to_thank", "email", "letter", "call", "do_not_thank"}
    assert PersonalThanks.objects.filter(done_at__isnull=True).exists()
    assert Interaction.objects.filter(summary__contains=f"A{run.year}-").exists()
    first = _counts()
    load_crm_demo()
    assert _counts() == first
