"""The Facebook-group queue counts in the CRM menu: cached, so ordinary admin pages pay no COUNT."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.community import services as svc
from crm.community.models import FacebookGroupInvitation, FacebookGroupSettings
from crm.community.selectors import invitation_status_counts
from crm.community.viewsets import InvitationQueueViewSet
from crm.factories import DonorFactory, RecurringDonationFactory
from crm.wagtail_hooks import CRMViewSetGroup
from tests.crm.test_admin_fixtures import fundraiser_fixture  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

QUEUE_VIEWSETS = [item for item in CRMViewSetGroup.items if isinstance(item, InvitationQueueViewSet)]

TABLE = FacebookGroupInvitation._meta.db_table


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    # Another test's figures must not answer for this test's database.
    cache.clear()
    texts = FacebookGroupSettings.load()
    texts.group_url = "https://www.facebook.com/groups/welgee-family"
    texts.save()
    yield
    cache.clear()


def members(n: int) -> list[FacebookGroupInvitation]:
    for _ in range(n):
        RecurringDonationFactory(donor=DonorFactory())
    svc.invitations_sync_eligibility()
    return list(FacebookGroupInvitation.objects.order_by("pk"))


def menu_labels(rf, user) -> list[str]:
    request = rf.get("/admin/")
    request.user = user
    return [str(viewset.get_menu_item().render_component(request).label) for viewset in QUEUE_VIEWSETS]


def invitation_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if TABLE in q["sql"]]


def test_three_queue_counts_cost_one_query_then_none(rf, fundraiser, django_assert_num_queries):
    members(3)
    with django_assert_num_queries(1):  # one GROUP BY for all three queues
        first = menu_labels(rf, fundraiser)
    with django_assert_num_queries(0):
        again = menu_labels(rf, fundraiser)
    assert first == again
    assert first[0].endswith("(3)") and not first[1].endswith(")") and not first[2].endswith(")")


def test_admin_pages_do_not_count_invitations_once_cached(client, fundraiser):
    members(2)
    client.force_login(fundraiser)
    with CaptureQueriesContext(connection) as cold:
        assert client.get(reverse("wagtailadmin_home")).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        page = client.get(reverse("wagtailadmin_home"))
    assert len(invitation_queries(cold.captured_queries)) == 1
    assert invitation_queries(warm.captured_queries) == []
    assert "(2)" in page.content.decode()


def test_a_status_change_shows_in_the_menu_at_once(rf, fundraiser, django_capture_on_commit_callbacks):
    invitations = members(2)
    assert menu_labels(rf, fundraiser)[0].endswith("(2)")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        svc.invitation_send(invitation=invitations[0])
    assert callbacks, "the counts are forgotten again after commit"
    to_invite, awaiting, _to_remove = menu_labels(rf, fundraiser)
    assert to_invite.endswith("(1)") and awaiting.endswith("(1)")


def test_bulk_marks_and_deleted_donors_update_the_counts(rf, fundraiser):
    invitations = members(3)
    assert invitation_status_counts() == {"eligible": 3}
    svc.invitations_mark_many(invitation_ids=[invitations[0].pk], mark="declined", user=fundraiser)
    assert invitation_status_counts() == {"eligible": 2, "declined": 1}
    board_member = DonorFactory()
    svc.invitation_add_manually(donor=board_member, user=fundraiser)
    assert invitation_status_counts() == {"eligible": 3, "declined": 1}
    assert menu_labels(rf, fundraiser)[0].endswith("(3)")
    board_member.delete()  # cascades to the invitation (post_delete)
    assert invitation_status_counts() == {"eligible": 2, "declined": 1}
    assert menu_labels(rf, fundraiser)[0].endswith("(2)")
