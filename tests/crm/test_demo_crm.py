"""load_crm_demo: the demo CRM, loaded twice without changing."""

import pytest
from django.core.management.base import OutputWrapper

from crm.demo import DEMO_DOMAIN, load_crm_demo
from crm.models import Donation, Donor, Interaction, PartnerCompany, RecurringDonation

pytestmark = pytest.mark.django_db


def counts():
    return (
        Donor.objects.count(),
        Donation.objects.count(),
        RecurringDonation.objects.count(),
        PartnerCompany.objects.count(),
        Interaction.objects.count(),
    )


def test_demo_crm_is_realistic_and_idempotent(capsys):
    import sys

    load_crm_demo(stdout=OutputWrapper(sys.stdout))
    first = counts()
    assert Donor.objects.members().count() == 502  # the family size on the seed page
    assert RecurringDonation.objects.filter(status="canceled").exists()
    assert RecurringDonation.objects.filter(status="past_due").exists()
    assert (
        Donor.objects.filter(recurring_donations__isnull=True, donations__isnull=False).distinct().count()
        > 100
    )
    on_site = PartnerCompany.objects.on_site()
    assert {c.name for c in on_site} >= {"ヤマハ発動機株式会社", "コニカミノルタ株式会社"}
    assert all(c.logo is not None and c.logo.title.startswith("Logo:") for c in on_site)
    assert Interaction.objects.filter(company__isnull=False).exists()
    assert Interaction.objects.filter(donor__isnull=False).exists()
    assert Donor.objects.search("たなか").exists()
    emails = sorted(Donor.objects.values_list("email", flat=True))
    assert all(e.endswith("@" + DEMO_DOMAIN) for e in emails)

    load_crm_demo(stdout=None)
    assert counts() == first
    assert sorted(Donor.objects.values_list("email", flat=True)) == emails
    assert "502 monthly members" in capsys.readouterr().out


def test_demo_reuses_a_logo_image_the_demo_site_made():
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    image = get_image_model().objects.create(title="Logo: ヤマハ発動機株式会社", file=get_test_image_file())
    load_crm_demo(stdout=None)
    assert PartnerCompany.objects.get(name="ヤマハ発動機株式会社").logo == image
