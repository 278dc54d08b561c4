"""Who gets into which CRM admin URL: anonymous, communications, fundraising, superuser."""

import pytest
from django.urls import reverse

from crm.factories import (
    DonationFactory,
    DonorFactory,
    InteractionFactory,
    PartnerCompanyFactory,
    RecurringDonationFactory,
)
from tests.crm.test_admin_fixtures import (  # noqa: F401  (fixtures)
    communications_fixture,
    fundraiser_fixture,
    superuser_fixture,
)

pytestmark = pytest.mark.django_db

VIEWSETS = {
    "crm_donor": DonorFactory,
    "crm_monthly_member": RecurringDonationFactory,
    "crm_donation": DonationFactory,
    "crm_company": PartnerCompanyFactory,
    "crm_interaction": InteractionFactory,
}
PER_OBJECT = ["edit", "delete", "inspect", "history", "usage"]
DONOR_ACTIONS = ["merge", "erase", "export_data"]


def crm_urls() -> list[str]:
    urls = []
    for name, factory in VIEWSETS.items():
        obj = factory()
        urls += [
            reverse(f"{name}:index"),
            reverse(f"{name}:index_results"),
            reverse(f"{name}:index") + "?export=csv",
            reverse(f"{name}:index") + "?export=xlsx",
            reverse(f"{name}:add"),
        ]
        urls += [reverse(f"{name}:{view}", args=[obj.pk]) for view in PER_OBJECT]
        if name == "crm_donor":
            urls += [reverse(f"crm_donor:{view}", args=[obj.pk]) for view in DONOR_ACTIONS]
    return urls


def test_every_crm_url_is_covered():
    # 5 viewsets x (5 listing/add + 5 per-object) + 3 donor actions
    assert len(crm_urls()) == 53


def test_anonymous_is_sent_to_login(client):
    for url in crm_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("wagtailadmin_login")), url


def test_communications_staff_cannot_see_any_crm_page(client, communications):
    client.force_login(communications)
    for url in crm_urls():
        response = client.get(url)
        # Wagtail answers a permission denial in the admin with a redirect to the dashboard.
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home"), url
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert dashboard.status_code == 200
    assert reverse("crm_donor:index").encode() not in dashboard.content


def test_communications_staff_can_work_on_pages_and_images(client, communications):
    client.force_login(communications)
    assert client.get(reverse("wagtailadmin_explore_root")).status_code == 200
    assert client.get(reverse("wagtailimages:index")).status_code == 200
    assert not communications.has_perm("crm.view_donor")


@pytest.mark.parametrize("who", ["fundraiser", "superuser"])
def test_fundraising_and_superusers_reach_every_crm_url(client, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for url in crm_urls():
        response = client.get(url)
        assert response.status_code == 200, url
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert reverse("crm_donor:index").encode() in dashboard.content


def test_fundraisers_cannot_edit_pages(fundraiser):
    from wagtail.models import Page
    from wagtail.permission_policies.pages import PagePermissionPolicy

    policy = PagePermissionPolicy()
    root = Page.get_first_root_node()
    assert not policy.user_has_permission_for_instance(fundraiser, "change", root)
    assert not policy.user_has_permission_for_instance(fundraiser, "publish", root)
    assert fundraiser.has_perm("crm.change_donor")


def test_staff_groups_are_idempotent():
    from django.contrib.auth.models import Group

    from crm.groups import ensure_staff_groups

    ensure_staff_groups()
    first = {g.name: g.permissions.count() for g in Group.objects.all()}
    ensure_staff_groups()
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == first
    assert (
        not Group.objects.get(name="Communications")
        .permissions.filter(content_type__app_label="crm")
        .exists()
    )
