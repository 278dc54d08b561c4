"""The last seat and the same email, asked for at the same moment (PostgreSQL)."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection

from crm.events.services import event_answer, event_email_send
from crm.factories import DonorFactory
from crm.models import Event, EventEmail, EventInvitation

# serialized_rollback: the flush after a transactional test would otherwise take Wagtail's root page
# and collection with it, which later tests need.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def at_once(works):
    barrier = threading.Barrier(len(works))
    errors: list[BaseException] = []
    results: list = []

    def run(work):
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.fixture
def event():
    return Event.objects.create(
        title="小さな交流会",
        starts_at=datetime.datetime(2099, 1, 10, 18, 0, tzinfo=datetime.UTC),
        place="渋谷",
        capacity=1,
    )


def test_two_yes_answers_for_the_last_seat_give_it_to_one(event):
    a, b = (EventInvitation.objects.create(event=event, donor=DonorFactory()) for _ in range(2))
    at_once(
        [lambda: event_answer(invitation=a, answer="yes"), lambda: event_answer(invitation=b, answer="yes")]
    )
    answers = sorted(EventInvitation.objects.filter(event=event).values_list("answer", flat=True))
    assert answers == ["waiting", "yes"]


def test_the_same_email_from_two_workers_goes_once(event):
    invitation = EventInvitation.objects.create(event=event, donor=DonorFactory())
    send = lambda: event_email_send(invitation_id=invitation.pk, kind="invitation")  # noqa: E731
    assert sorted(at_once([send, send, send])) == [False, False, True]
    assert len(mail.outbox) == 1 and EventEmail.objects.count() == 1
