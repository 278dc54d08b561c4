import io

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo site (8 stories in ja and en), loaded once per module and rolled back after."""
    from home.demo.loader import demo_site_load

    with django_db_blocker.unblock(), transaction.atomic():
        demo_site_load()
        call_command("update_index", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
