import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from crm.mailing.services.reconcile import mailchimp_reconcile
from crm.mailing.services.sync import mailchimp_push, mailchimp_push_donor
from crm.models import Donor, MailchimpMemberState, MailchimpSyncRun, RecurringDonation, Segment
from tests.mailchimp_fake.fixtures import fake_mailchimp_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

S = Donor.NewsletterStatus


def donor(email, status=S.SUBSCRIBED, **kw):
    return Donor.objects.create(
        email=email,
        newsletter_status=status,
        given_name=kw.pop("given", "Aiko"),
        family_name=kw.pop("family", "Sato"),
        **kw,
    )


def segment(name, rules, match="all"):
    return Segment.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        match=match,
        rules=[{"type": "rule", "value": r} for r in rules],
    )


def member_rule():
    return {"field": "membership", "operator": "is", "value": "member", "value2": ""}


def test_first_push_creates_members_with_merge_fields(fake_mailchimp):
    a = donor("a@example.org", preferred_language="en")
    RecurringDonation.objects.create(
        donor=a, amount=5000, started_at=timezone.now() - datetime.timedelta(days=40)
    )
    donor("b@example.org", S.PENDING)
    donor("never@example.org", S.NEVER)
    donor("left@example.org", S.UNSUBSCRIBED)

    run = mailchimp_push(trigger="test")

    assert run.status == MailchimpSyncRun.Status.SUCCEEDED
    assert (run.created, run.failed) == (2, 0)
    member = fake_mailchimp.member("a@example.org")
    assert member["status"] == "subscribed"
    assert member["merge_fields"]["MONTHLY_AMOUNT"] == 5000
    assert member["merge_fields"]["FNAME"] == "Aiko" and member["merge_fields"]["LANGUAGE"] == "en"
    assert member["merge_fields"]["MEMBER_SINCE"]
    assert member["language"] == "en"
    assert fake_mailchimp.member("b@example.org")["status"] == "pending"
    # No consent recorded: never added to the audience.
    assert fake_mailchimp.member("never@example.org") is None
    assert fake_mailchimp.member("left@example.org") is None
    assert run.api_calls == fake_mailchimp.request_count


def test_no_change_repush_makes_no_member_writes(fake_mailchimp):
    for i in range(5):
        donor(f"d{i}@example.org")
    segment("Members", [member_rule()])
    mailchimp_push()
    fake_mailchimp.reset_counters()

    run = mailchimp_push()

    assert fake_mailchimp.count("PUT") == 0
    assert fake_mailchimp.request_count == 0
    assert run.unchanged == 5 and run.updated == 0 and run.created == 0


def test_crm_change_sends_only_that_member(fake_mailchimp):
    for i in range(5):
        donor(f"d{i}@example.org")
    mailchimp_push()
    fake_mailchimp.reset_counters()
    d = Donor.objects.get(email="d3@example.org")
    d.given_name = "Hanako"
    d.save()

    run = mailchimp_push()

    assert fake_mailchimp.count("PUT") == 1 and run.updated == 1
    assert fake_mailchimp.member("d3@example.org")["merge_fields"]["FNAME"] == "Hanako"


def test_sync_never_resubscribes_someone_who_left_in_mailchimp(fake_mailchimp):
    donor("left@example.org")
    mailchimp_push()
    fake_mailchimp.set_status("left@example.org", "unsubscribed")
    d = Donor.objects.get(email="left@example.org")
    d.given_name = "Changed"
    d.save()

    mailchimp_push()

    member = fake_mailchimp.member("left@example.org")
    assert member["status"] == "unsubscribed"
    assert member["merge_fields"]["FNAME"] == "Changed"


def test_donor_who_asks_again_goes_to_pending(fake_mailchimp):
    donor("back@example.org")
    mailchimp_push()
    fake_mailchimp.set_status("back@example.org", "unsubscribed")
    d = Donor.objects.get(email="back@example.org")
    d.newsletter_status = S.PENDING
    d.save()

    mailchimp_push()

    assert fake_mailchimp.member("back@example.org")["status"] == "pending"


def test_crm_unsubscribe_is_pushed(fake_mailchimp):
    donor("x@example.org")
    mailchimp_push()
    d = Donor.objects.get(email="x@example.org")
    d.newsletter_status = S.UNSUBSCRIBED
    d.save()

    mailchimp_push()

    assert fake_mailchimp.member("x@example.org")["status"] == "unsubscribed"


def test_member_in_compliance_state_is_recorded_not_retried_forever(fake_mailchimp):
    donor("bounced@example.org")
    mailchimp_push()
    fake_mailchimp.set_status("bounced@example.org", "cleaned")
    d = Donor.objects.get(email="bounced@example.org")
    d.newsletter_status = S.PENDING  # asks again, but the address bounced: Mailchimp refuses
    d.save()

    run = mailchimp_push()

    assert run.failed == 1 and run.status == MailchimpSyncRun.Status.PARTIAL
    state = MailchimpMemberState.objects.get(donor=d)
    assert "Member In Compliance State" in state.last_error
    assert fake_mailchimp.member("bounced@example.org")["status"] == "cleaned"
    fake_mailchimp.reset_counters()
    assert mailchimp_push().failed == 0
    assert fake_mailchimp.count("PUT") == 0


def test_segment_tags_added_and_marked_inactive_on_leaving(fake_mailchimp):
    a, b = donor("a@example.org"), donor("b@example.org")
    RecurringDonation.objects.create(donor=a, amount=1000)
    rd = RecurringDonation.objects.create(donor=b, amount=1000)
    seg = segment("Monthly members", [member_rule()])

    run = mailchimp_push()
    assert run.tagged == 2
    assert fake_mailchimp.active_tags("a@example.org") == {"Monthly members"}
    assert fake_mailchimp.active_tags("b@example.org") == {"Monthly members"}

    rd.status = RecurringDonation.Status.CANCELED
    rd.save()
    fake_mailchimp.reset_counters()
    run = mailchimp_push(segments=[seg], whole_audience=False)

    assert run.untagged == 1 and run.tagged == 0
    assert fake_mailchimp.inactive_tags("b@example.org") == {"Monthly members"}
    assert fake_mailchimp.active_tags("a@example.org") == {"Monthly members"}
    assert fake_mailchimp.count("POST", "/tags") == 1


def test_failures_mid_sync_arrive_after_retry(fake_mailchimp):
    for i in range(8):
        donor(f"f{i}@example.org")
    fake_mailchimp.fail_next(3, status=500)
    fake_mailchimp.fail_next(2, status=429)

    run = mailchimp_push()

    assert run.failed == 0
    assert fake_mailchimp.member_count == 8


def test_timeouts_are_retried(fake_mailchimp, settings):
    settings.MAILCHIMP_TIMEOUT_SECONDS = 0.3
    donor("slow@example.org")
    fake_mailchimp.timeout_next(1, delay=0.6)

    run = mailchimp_push()

    assert run.failed == 0 and fake_mailchimp.member("slow@example.org") is not None


def test_failures_beyond_retries_are_recorded_and_sent_next_run(fake_mailchimp, settings):
    settings.MAILCHIMP_MAX_RETRIES = 1
    donor("late@example.org")
    fake_mailchimp.fail_next(2, status=503)

    run = mailchimp_push()

    assert run.failed == 1
    state = MailchimpMemberState.objects.get(donor__email="late@example.org")
    assert state.failure_count == 1 and "503" in state.last_error
    assert fake_mailchimp.member("late@example.org") is None

    run = mailchimp_push()
    assert run.failed == 0 and run.created == 1
    assert fake_mailchimp.member("late@example.org")["status"] == "subscribed"


def test_failed_batch_operations_are_retried_next_run(fake_mailchimp):
    for i in range(60):  # above the direct-call limit: goes through /batches
        donor(f"b{i}@example.org")
    fake_mailchimp.fail_next_batch_operations(4, status=500)

    run = mailchimp_push()
    assert run.failed == 4 and fake_mailchimp.member_count == 56
    assert fake_mailchimp.count("POST", "/batches") == 1

    run = mailchimp_push()
    assert run.failed == 0 and run.created == 4 and run.unchanged == 56
    assert fake_mailchimp.member_count == 60


def test_ten_thousand_members_go_through_batches(fake_mailchimp):
    Donor.objects.bulk_create(
        [
            Donor(email=f"m{i}@example.org", newsletter_status=S.SUBSCRIBED, given_name=f"G{i}")
            for i in range(10_000)
        ],
        batch_size=2000,
    )
    seg = segment("Everyone subscribed", [{"field": "newsletter", "operator": "is", "value": "subscribed"}])

    run = mailchimp_push(segments=[seg])

    assert run.failed == 0 and run.created == 10_000 and run.tagged == 10_000
    assert fake_mailchimp.member_count == 10_000
    assert fake_mailchimp.count("PUT") == 0  # every write went inside /batches
    assert fake_mailchimp.request_count <= 50
    assert fake_mailchimp.active_tags("m9999@example.org") == {"Everyone subscribed"}
    fake_mailchimp.reset_counters()
    assert mailchimp_push(segments=[seg]).unchanged == 10_000
    assert fake_mailchimp.request_count <= 5


def test_email_change_in_crm_moves_the_member(fake_mailchimp):
    d = donor("old@example.org")
    mailchimp_push()
    d.email = "new@example.org"
    d.save()

    mailchimp_push()

    assert fake_mailchimp.member("old@example.org") is None
    assert fake_mailchimp.member("new@example.org")["status"] == "subscribed"


def test_push_single_donor(fake_mailchimp):
    d = donor("one@example.org", S.PENDING, preferred_language="en")
    assert mailchimp_push_donor(donor_id=d.pk)
    assert fake_mailchimp.member("one@example.org")["status"] == "pending"
    assert fake_mailchimp.member("one@example.org")["language"] == "en"


def test_reconcile_corrects_consent_missed_by_webhooks(fake_mailchimp):
    donor("gone@example.org")
    donor("confirmed@example.org", S.PENDING)
    donor("stays@example.org")
    mailchimp_push()
    fake_mailchimp.set_status("gone@example.org", "unsubscribed")
    fake_mailchimp.set_status("confirmed@example.org", "subscribed")

    run = mailchimp_reconcile()

    assert run.corrected == 2
    gone = Donor.objects.get(email="gone@example.org")
    assert gone.newsletter_status == S.UNSUBSCRIBED and gone.newsletter_status_source == "mailchimp reconcile"
    assert Donor.objects.get(email="confirmed@example.org").newsletter_status == S.SUBSCRIBED
    assert Donor.objects.get(email="stays@example.org").newsletter_status == S.SUBSCRIBED


def test_not_configured_run_is_logged_as_failed(settings):
    settings.MAILCHIMP_API_KEY = ""
    run = mailchimp_push()
    assert run.status == MailchimpSyncRun.Status.FAILED and "configured" in run.error.lower()


def test_command_pushes_one_segment(fake_mailchimp, capsys):
    a = donor("a@example.org")
    donor("b@example.org")
    RecurringDonation.objects.create(donor=a, amount=1000)
    segment("Members", [member_rule()])

    call_command("sync_mailchimp", "--segment", "members")

    assert '"created": 1' in capsys.readouterr().out
    assert fake_mailchimp.member("b@example.org") is None
    assert fake_mailchimp.active_tags("a@example.org") == {"Members"}
