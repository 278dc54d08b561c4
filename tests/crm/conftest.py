"""The CRM's tests read the English texts; tests/crm/test_admin_ja.py checks the Japanese ones."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.utils import translation
from wagtail.users.models import UserProfile


@pytest.fixture(autouse=True)
def _english_outside_requests():
    # Code that runs outside a request (services, str() of a model, the timeline) speaks the active
    # language, which is otherwise the site's default, Japanese.
    with translation.override("en"):
        yield


def _english_admin(sender, instance, created, **kwargs):
    if created:
        UserProfile.objects.update_or_create(user=instance, defaults={"preferred_language": "en"})


@pytest.fixture(autouse=True)
def _staff_use_the_english_admin():
    # Without a preference Wagtail shows the admin in the site's language (ja); test users made
    # anywhere in these tests (fixtures, admin_client, helpers) prefer English unless a test says so.
    post_save.connect(_english_admin, sender=get_user_model(), dispatch_uid="tests.crm.english_admin")
    yield
    post_save.disconnect(sender=get_user_model(), dispatch_uid="tests.crm.english_admin")
