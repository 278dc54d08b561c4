"""Donor tags do not leak through the admin's tag autocomplete (issue 13)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from crm.factories import DonorFactory
from tests.crm.test_admin_fixtures import communications_fixture, fundraiser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged():
    DonorFactory().tags.add("major-gift", "medical-needs", "member")
    image = Image.objects.create(title="photo", file=get_test_image_file())
    image.tags.add("members-day", "member")  # "member" is on a donor and on an image


def _names(client, path="/admin/tag-autocomplete/", term="m"):
    response = client.get(path, {"term": term})
    return response.status_code, (response.json() if response.status_code == 200 else None)


def test_the_url_is_ours():
    assert reverse("wagtailadmin_tag_autocomplete") == "/admin/tag-autocomplete/"


def test_fundraising_sees_donor_tags(client, fundraiser, tagged):
    client.force_login(fundraiser)
    assert _names(client) == (200, ["major-gift", "medical-needs", "member", "members-day"])


@pytest.mark.parametrize("path", ["/admin/tag-autocomplete/", "/admin/tag-autocomplete/taggit/tag/"])
def test_communications_sees_only_tags_other_content_uses(client, communications, tagged, path):
    client.force_login(communications)
    assert _names(client, path) == (200, ["member", "members-day"])


def test_staff_without_a_group_see_no_donor_tags(client, tagged):
    user = get_user_model().objects.create_user("nogroup", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert _names(client) == (200, ["member", "members-day"])


def test_anonymous_visitors_get_nothing(client, tagged):
    status, names = _names(client)
    assert status in {302, 403} and names is None
