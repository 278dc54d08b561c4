"""A fundraiser runs the Facebook-group queue in a real browser: select all, send, paste, confirm."""

import pytest
from django.core import mail

from crm.community.models import FacebookGroupInvitation, FacebookGroupSettings
from crm.community.services.eligibility import invitations_sync_eligibility
from crm.factories import DonorFactory, RecurringDonationFactory
from tests.crm.test_admin_fixtures import _staff
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_fundraiser_invites_then_matches_join_requests(page, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    texts = FacebookGroupSettings.load()
    texts.group_url = "https://www.facebook.com/groups/welgee-family"
    texts.save()
    for given, kana in (("花子", "ハナコ"), ("健太", "ケンタ")):
        donor = DonorFactory(
            family_name="山田", given_name=given, family_name_kana="ヤマダ", given_name_kana=kana
        )
        RecurringDonationFactory(donor=donor)
    invitations_sync_eligibility()
    log_in(page, _staff("fundraiser", "Fundraising"))

    page.goto("/admin/crm/facebook-group/to-invite/")
    assert "山田 花子" in page.locator("main").inner_text()
    page.locator("thead input[type=checkbox]").check()
    page.locator("button[name=action][value=send]").click()
    page.wait_for_load_state()
    assert set(FacebookGroupInvitation.objects.values_list("status", flat=True)) == {"invited"}
    assert len(mail.outbox) == 2

    hanako = FacebookGroupInvitation.objects.get(donor__given_name="花子")
    page.goto("/admin/crm/facebook-group/all/paste/")
    page.fill("textarea[name=lines]", f"{hanako.join_code}\n山田 健太\nsomeone else")
    # Selectors that hold in either admin language: the paste form's button, the outcome's row class.
    page.locator("form:has(textarea[name=lines]) button[type=submit]").click()
    page.wait_for_load_state()
    assert "someone else" in page.locator("table.listing tr.crm-fb-unmatched").inner_text()
    assert page.locator("table.listing tr.crm-fb-matched").count() == 2
    page.locator("form:has(input[name=confirm]) button[type=submit]").click()
    page.wait_for_url("**/facebook-group/awaiting/")
    assert set(FacebookGroupInvitation.objects.values_list("status", flat=True)) == {"joined"}
