import pytest
from django.db import IntegrityError, transaction

from crm.factories import (
    DonationFactory,
    DonorFactory,
    InteractionFactory,
    PartnerCompanyFactory,
    RecurringDonationFactory,
)
from crm.models import ConsentChange, Donor, Interaction, PartnerCompany, RecurringDonation

pytestmark = pytest.mark.django_db


def test_email_is_stored_normalised_and_unique_case_insensitively():
    donor = DonorFactory(email="  Ｙａｍａｄａ@Example.ORG ")
    donor.refresh_from_db()
    assert donor.email == "yamada@example.org"
    with pytest.raises(IntegrityError), transaction.atomic():
        DonorFactory(email="YAMADA@example.org")


def test_erased_donors_may_share_a_missing_email():
    DonorFactory(email=None)
    DonorFactory(email="")
    assert Donor.objects.filter(email__isnull=True).count() == 2


def test_stripe_customer_id_unique_only_when_present():
    DonorFactory(stripe_customer_id="")
    DonorFactory(stripe_customer_id="")
    DonorFactory(stripe_customer_id="cus_1")
    with pytest.raises(IntegrityError), transaction.atomic():
        DonorFactory(stripe_customer_id="cus_1")


def test_external_ids_unique_only_when_present():
    DonationFactory(external_id="")
    DonationFactory(external_id="")
    DonationFactory(external_id="pi_1")
    with pytest.raises(IntegrityError), transaction.atomic():
        DonationFactory(external_id="pi_1")
    RecurringDonationFactory(external_id="sub_1")
    with pytest.raises(IntegrityError), transaction.atomic():
        RecurringDonationFactory(external_id="sub_1")


def test_interaction_needs_a_donor_or_a_company():
    company = PartnerCompanyFactory()
    InteractionFactory(donor=None, company=company)
    with pytest.raises(IntegrityError), transaction.atomic():
        Interaction.objects.create(summary="orphan")


def test_consent_changes_are_recorded_with_source():
    donor = DonorFactory(newsletter_status=Donor.NewsletterStatus.NEVER)
    assert not donor.consent_changes.exists()
    donor = Donor.objects.get(pk=donor.pk)
    donor.newsletter_status = Donor.NewsletterStatus.SUBSCRIBED
    donor.newsletter_status_source = "site form"
    donor.save()
    donor.save()  # no change, no second record
    change = ConsentChange.objects.get(donor=donor)
    assert (change.status, change.source) == ("subscribed", "site form")
    assert donor.newsletter_status_changed_at == change.changed_at


def test_recurring_status_changes_are_recorded():
    rd = RecurringDonationFactory()
    rd = RecurringDonation.objects.get(pk=rd.pk)
    rd.status = RecurringDonation.Status.CANCELED
    rd.save()
    assert list(rd.changes.values_list("status", flat=True)) == ["canceled", "active"]
    assert rd.canceled_at is not None


def test_partner_companies_on_site_are_flagged_and_ordered():
    PartnerCompanyFactory(name="B社", show_on_site=True, site_order=2)
    PartnerCompanyFactory(name="A社", show_on_site=True, site_order=2)
    PartnerCompanyFactory(name="C社", show_on_site=True, site_order=1)
    PartnerCompanyFactory(name="Hidden", show_on_site=False, site_order=0)
    assert [c.name for c in PartnerCompany.objects.on_site()] == ["C社", "A社", "B社"]


def test_donor_tags():
    donor = DonorFactory(tags=["event-2024", "vip"])
    assert sorted(donor.tags.names()) == ["event-2024", "vip"]
