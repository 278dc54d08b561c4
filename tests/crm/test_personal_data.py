"""One list of a donor's personal data (crm.donors.models.DONOR_PERSONAL_FIELDS) drives the APPI
disclosure, erasure, the CSV export and the seeder, so a field added to Donor cannot escape erasure."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from crm.donors.models import DONOR_PERSONAL_FIELDS, DONOR_RECORD_FIELDS, Donor
from crm.donors.services.privacy import donor_erase, donor_export_json
from crm.donors.viewsets import DonorViewSet
from crm.factories import DonorFactory, PartnerCompanyFactory
from crm.management.commands.seed_crm import DONOR_FIELDS as SEEDED_FIELDS

pytestmark = pytest.mark.django_db


def test_every_donor_field_is_either_personal_or_a_record_of_the_relationship():
    fields = {f.name for f in Donor._meta.get_fields() if f.concrete or f.many_to_many}
    fields -= {f.name for f in Donor._meta.get_fields() if f.auto_created and not f.concrete}
    assert set(DONOR_PERSONAL_FIELDS).isdisjoint(DONOR_RECORD_FIELDS)
    assert fields == set(DONOR_PERSONAL_FIELDS) | set(DONOR_RECORD_FIELDS)


def _someone_with_everything() -> Donor:
    return DonorFactory(
        email="everything@example.org",
        company=PartnerCompanyFactory(),
        company_role="CSR",
        notes="prefers letters",
        stripe_customer_id="cus_123",
        newsletter_status_source="event sign-up sheet",
    )


def test_the_disclosure_holds_every_personal_field():
    donor = _someone_with_everything()
    disclosed = donor_export_json(donor=donor)["donor"]
    assert set(DONOR_PERSONAL_FIELDS) <= set(disclosed)
    assert disclosed["company"] == donor.company.name
    assert disclosed["stripe_customer_id"] == "cus_123"


def test_erasure_blanks_every_personal_field():
    donor = _someone_with_everything()
    staff = get_user_model().objects.create_user("privacy-officer")
    donor_erase(donor=donor, user=staff)
    donor.refresh_from_db()
    left = {
        name: getattr(donor, name) for name in DONOR_PERSONAL_FIELDS if name != "newsletter_status_source"
    }
    assert not any(left.values()), left
    assert donor.newsletter_status_source == "erased"


def test_the_csv_export_and_the_seeder_cover_every_personal_field(admin_client):
    assert {("company_id" if name == "company" else name) for name in DONOR_PERSONAL_FIELDS} <= set(
        SEEDED_FIELDS
    )
    _someone_with_everything()
    response = admin_client.get(reverse("crm_donor:index"), {"export": "csv"})
    with translation.override("en"):
        body = b"".join(response.streaming_content).decode("utf-8")
    headings, row = list(csv.reader(io.StringIO(body)))[:2]
    assert set(DONOR_PERSONAL_FIELDS) <= set(DonorViewSet.list_export)
    assert len(headings) == len(DonorViewSet.list_export)
    exported = dict(zip(DonorViewSet.list_export, row, strict=True))
    assert exported["notes"] == "prefers letters" and exported["stripe_customer_id"] == "cus_123"


@pytest.mark.django_db
def test_erasure_forgets_the_card_kept_for_the_donors_stripe_customer():
    import datetime as dt

    from django.utils import timezone

    from crm.payments.models import PaymentCard

    donor = DonorFactory(stripe_customer_id="cus_erase_me")
    seen = timezone.now() - dt.timedelta(days=1)
    PaymentCard.objects.create(
        customer_id="cus_erase_me", brand="visa", last4="4242", exp_month=1, exp_year=2030, seen_at=seen
    )
    PaymentCard.objects.create(
        customer_id="cus_someone_else", brand="visa", last4="1111", exp_month=2, exp_year=2030, seen_at=seen
    )

    donor_erase(donor=donor, user=None)

    assert list(PaymentCard.objects.values_list("customer_id", flat=True)) == ["cus_someone_else"]
