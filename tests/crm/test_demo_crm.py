"""load_crm_demo: the demo CRM, loaded twice without changing."""

import datetime

import pytest
from django.core.management.base import OutputWrapper
from django.db.models import Count
from django.utils import timezone

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


def test_demo_leaves_segments_a_facebook_queue_and_history_for_the_reports():
    from crm.models import FacebookGroupInvitation, Segment
    from crm.reports import selectors

    load_crm_demo(stdout=None)
    segments = {s.slug: s for s in Segment.objects.all()}
    assert set(segments) >= {"members", "members-5000-plus", "lapsed", "newsletter", "partner-contacts"}
    demo_slugs = {"members", "members-5000-plus", "lapsed", "newsletter", "partner-contacts"}
    assert all(segments[slug].push_to_mailchimp and segments[slug].mailchimp_tag for slug in demo_slugs)
    assert segments["members"].donors().count() == 502
    assert 0 < segments["members-5000-plus"].donors().count() < 502
    assert segments["partner-contacts"].donors().count() == 20
    assert segments["newsletter"].donors().count() >= 502

    by_status = dict(FacebookGroupInvitation.objects.values_list("status").annotate(n=Count("pk")))
    assert set(by_status) == set(FacebookGroupInvitation.Status.values)  # every status
    assert by_status["removal_due"] == 1
    assert by_status["joined"] > sum(by_status.values()) / 2  # most are inside
    assert 0 < by_status["eligible"] < 20

    # Three years and more of history: last year's gifts for LYBUNT, a full cohort table.
    assert Donation.objects.filter(received_at__lt=timezone.now() - datetime.timedelta(days=3 * 365)).exists()
    assert selectors.report_donors(selectors.report_rule_tree("lybunt")).exists()
    # Every chart of the dashboard has something to draw: members who came back, and every
    # newsletter consent status.
    months = selectors.membership_months(selectors.Period.ending(today=timezone.localdate()))
    assert sum(m.returning for m in months) > 0 and sum(m.lost for m in months) > 0
    assert all(selectors.newsletter_audience().values())

    invitations, segment_count = FacebookGroupInvitation.objects.count(), Segment.objects.count()
    load_crm_demo(stdout=None)
    assert (FacebookGroupInvitation.objects.count(), Segment.objects.count()) == (invitations, segment_count)
