"""Staff users for the admin tests (a module, not conftest.py, which other helpers may own).

They use the admin in English, so tests (also tests/e2e) read the English texts; without a preference
Wagtail shows the site's language, Japanese (tests/crm/test_admin_ja.py checks that).
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.users.models import UserProfile

from crm.groups import COMMUNICATIONS, FUNDRAISING, ensure_staff_groups


def _staff(username: str, group: str):
    ensure_staff_groups()
    user = get_user_model().objects.create_user(
        username=username, password="pw", email=f"{username}@welgee.test"
    )
    user.groups.add(Group.objects.get(name=group))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture(name="fundraiser")
def fundraiser_fixture(db):
    return _staff("fundraiser", FUNDRAISING)


@pytest.fixture(name="communications")
def communications_fixture(db):
    return _staff("comms", COMMUNICATIONS)


@pytest.fixture(name="superuser")
def superuser_fixture(db):
    return get_user_model().objects.create_superuser(
        username="admin", password="pw", email="admin@welgee.test"
    )
