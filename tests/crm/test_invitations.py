"""The Facebook-group invitation workflow: eligibility, sending, answers, reminders, removal."""

from __future__ import annotations

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from wagtail.models import ModelLogEntry

from crm.community import services as svc
from crm.community.models import (
    JOIN_CODE_ALPHABET,
    FacebookGroupInvitation,
    FacebookGroupInvitationEvent,
    FacebookGroupSettings,
)
from crm.factories import DonorFactory, RecurringDonationFactory
from crm.interactions.selectors import donor_timeline
from crm.models import Donor, RecurringDonation
from tests.crm.test_admin_fixtures import superuser_fixture  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

Status = FacebookGroupInvitation.Status
START = datetime.datetime(2026, 4, 1, 9, 0, tzinfo=datetime.UTC)
GROUP_URL = "https://www.facebook.com/groups/welgee-family"


@pytest.fixture(autouse=True)
def group_settings(db):
    texts = FacebookGroupSettings.load()
    texts.group_url = GROUP_URL
    texts.save()
    return texts


def member(**donor_kwargs) -> Donor:
    donor = DonorFactory(**donor_kwargs)
    RecurringDonationFactory(donor=donor)
    return donor


def sync(**kwargs):
    return svc.invitations_sync_eligibility(**kwargs)


class FailingBackend(BaseEmailBackend):
    """An email backend whose server refuses every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"mailbox unavailable")})


FAILING = {"default": {"BACKEND": "tests.crm.test_invitations.FailingBackend"}}
WORKING = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def failing_mail(settings):
    settings.MAILERS = FAILING


# --- eligibility --------------------------------------------------------------------------------------


def test_sync_queues_every_active_member_once_and_nobody_else():
    members = [member() for _ in range(3)]
    paused = DonorFactory()
    RecurringDonationFactory(donor=paused, status=RecurringDonation.Status.PAUSED)
    DonorFactory()  # never gave monthly
    first = sync()
    second = sync()
    assert first.added == 3 and second.added == 0
    invitations = FacebookGroupInvitation.objects.order_by("donor_id")
    assert [i.donor_id for i in invitations] == [d.pk for d in members]
    assert {i.status for i in invitations} == {Status.ELIGIBLE}
    codes = [i.join_code for i in invitations]
    assert len(set(codes)) == 3
    for code in codes:
        assert code.startswith("WG-") and len(code) == 8
        assert set(code[3:]) <= set(JOIN_CODE_ALPHABET)


def test_sync_is_set_based(django_assert_max_num_queries):
    for _ in range(30):
        member()
    # The same handful of queries for 30 new members as for one.
    with django_assert_max_num_queries(20):
        assert sync().added == 30


def test_new_member_appears_automatically(django_capture_on_commit_callbacks):
    donor = DonorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        RecurringDonationFactory(donor=donor, status=RecurringDonation.Status.INCOMPLETE)
    assert not FacebookGroupInvitation.objects.exists()
    recurring = donor.recurring_donations.get()
    with django_capture_on_commit_callbacks(execute=True):
        recurring.status = RecurringDonation.Status.ACTIVE
        recurring.save()
    invitation = FacebookGroupInvitation.objects.get(donor=donor)
    assert invitation.status == Status.ELIGIBLE and not invitation.manual


def test_added_by_hand_is_kept_without_a_gift():
    partner = DonorFactory()
    invitation = svc.invitation_add_manually(donor=partner)
    assert invitation.manual and invitation.status == Status.ELIGIBLE
    sync()
    invitation.refresh_from_db()
    assert invitation.status == Status.ELIGIBLE


# --- the whole life ----------------------------------------------------------------------------------


def test_whole_life_of_an_invitation(django_capture_on_commit_callbacks, superuser):
    with time_machine.travel(START, tick=False):
        donor = member(preferred_language=Donor.Language.EN, family_name="Doe", given_name="Jane")
        sync()
        invitation = donor.facebook_invitation
        result = svc.invitation_send(invitation=invitation, user=superuser)
    assert result.sent
    assert invitation.status == Status.INVITED and invitation.invited_at == START
    message = mail.outbox[-1]
    assert message.to == [donor.email]
    assert message.subject.startswith("Your invitation")
    assert invitation.join_code in message.body and GROUP_URL in message.body and "Jane" in message.body

    with time_machine.travel(START + datetime.timedelta(days=3), tick=False):
        svc.invitation_mark_joined(invitation=invitation, user=superuser)
    assert invitation.status == Status.JOINED

    recurring = donor.recurring_donations.get()
    with (
        time_machine.travel(START + datetime.timedelta(days=60), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        recurring.status = RecurringDonation.Status.CANCELED
        recurring.save()
    invitation.refresh_from_db()
    assert invitation.status == Status.REMOVAL_DUE
    assert invitation.removal_due_at == START + datetime.timedelta(days=60)

    svc.invitation_mark_removed(invitation=invitation, user=superuser)
    assert invitation.status == Status.REMOVED and invitation.removed_at is not None

    history = list(invitation.events.order_by("at", "pk").values_list("from_status", "to_status"))
    assert history == [
        ("", "eligible"),
        ("eligible", "invited"),
        ("invited", "joined"),
        ("joined", "removal_due"),
        ("removal_due", "removed"),
    ]
    # Every change is in the audit log and in the donor's timeline.
    actions = set(ModelLogEntry.objects.filter(object_id=str(donor.pk)).values_list("action", flat=True))
    assert {
        "crm.facebook_group.invited",
        "crm.facebook_group.joined",
        "crm.facebook_group.removal_due",
        "crm.facebook_group.removed",
    } <= actions
    # (crm.interactions.selectors shows an audit entry's action name; LogEntry.message would read better.)
    audit = [str(e.title) for e in donor_timeline(donor) if e.kind == "audit"]
    assert any("joined" in t.lower() for t in audit) and any("removed" in t.lower() for t in audit)


def test_japanese_donor_gets_the_japanese_text():
    donor = member(family_name="山田", given_name="花子")
    sync()
    svc.invitation_send(invitation=donor.facebook_invitation)
    assert "Facebook" in mail.outbox[-1].subject and "山田 花子" in mail.outbox[-1].body
    assert "参加コード" in mail.outbox[-1].body


def test_editors_texts_and_unknown_placeholders(group_settings):
    group_settings.invite_subject_ja = "ご招待 {join_code}"
    group_settings.invite_body_ja = "{name}さん {group_url} {typo}"
    group_settings.save()
    donor = member()
    sync()
    invitation = donor.facebook_invitation
    svc.invitation_send(invitation=invitation)
    assert mail.outbox[-1].subject == f"ご招待 {invitation.join_code}"
    assert mail.outbox[-1].body.endswith(f"{GROUP_URL} {{typo}}")


def test_past_due_beyond_grace_ends_membership(settings):
    settings.FACEBOOK_GROUP_PAST_DUE_GRACE_DAYS = 14
    with time_machine.travel(START, tick=False):
        donor = member()
        sync()
        invitation = donor.facebook_invitation
        svc.invitation_mark_joined(invitation=invitation)
        recurring = donor.recurring_donations.get()
        recurring.status = RecurringDonation.Status.PAST_DUE
        recurring.save()
    with time_machine.travel(START + datetime.timedelta(days=10), tick=False):
        sync()
    invitation.refresh_from_db()
    assert invitation.status == Status.JOINED
    with time_machine.travel(START + datetime.timedelta(days=15), tick=False):
        assert sync().removal_due == 1
    invitation.refresh_from_db()
    assert invitation.status == Status.REMOVAL_DUE
    # Paying again before the admin removed them: back to joined.
    recurring.status = RecurringDonation.Status.ACTIVE
    recurring.save()
    assert sync().restored == 1
    invitation.refresh_from_db()
    assert invitation.status == Status.JOINED


def test_unanswered_invitation_is_withdrawn_when_membership_ends_and_back_when_rejoining():
    donor = member()
    sync()
    invitation = donor.facebook_invitation
    svc.invitation_send(invitation=invitation)
    recurring = donor.recurring_donations.get()
    recurring.status = RecurringDonation.Status.CANCELED
    recurring.save()
    assert sync().withdrawn == 1
    invitation.refresh_from_db()
    assert invitation.status == Status.EXPIRED
    assert invitation.closed_reason == FacebookGroupInvitation.ClosedReason.MEMBERSHIP_ENDED
    RecurringDonationFactory(donor=donor)
    assert sync().restored == 1
    invitation.refresh_from_db()
    assert invitation.status == Status.ELIGIBLE and invitation.invited_at is None


# --- faults --------------------------------------------------------------------------------------------


def test_email_failure_leaves_state_and_shows_the_error(failing_mail):
    donor = member()
    sync()
    invitation = donor.facebook_invitation
    result = svc.invitation_send(invitation=invitation)
    assert not result.sent
    invitation.refresh_from_db()
    assert invitation.status == Status.ELIGIBLE and invitation.invited_at is None
    assert "SMTPRecipientsRefused" in invitation.last_error
    assert invitation.send_claimed_at is None
    assert not invitation.events.filter(to_status=Status.INVITED).exists()
    assert ModelLogEntry.objects.filter(
        action="crm.facebook_group.send_failed", object_id=str(donor.pk)
    ).exists()


def test_error_clears_after_a_successful_retry(settings, failing_mail):
    donor = member()
    sync()
    invitation = donor.facebook_invitation
    svc.invitation_send(invitation=invitation)
    settings.MAILERS = WORKING
    assert svc.invitation_send(invitation=invitation).sent
    assert invitation.status == Status.INVITED and invitation.last_error == ""


def test_no_group_link_or_no_email_is_an_error_not_a_send(group_settings):
    no_email = member()
    Donor.objects.filter(pk=no_email.pk).update(email=None)
    sync()
    result = svc.invitation_send(invitation=FacebookGroupInvitation.objects.get(donor=no_email))
    assert not result.sent and "no email" in result.error
    group_settings.group_url = ""
    group_settings.save()
    other = member()
    sync()
    result = svc.invitation_send(invitation=other.facebook_invitation)
    assert not result.sent and "group link" in result.error
    assert mail.outbox == []


def test_wrong_step_is_refused():
    donor = member()
    sync()
    invitation = donor.facebook_invitation
    with pytest.raises(svc.InvitationError):
        svc.invitation_mark_removed(invitation=invitation)
    assert invitation.status == Status.ELIGIBLE
    svc.invitation_mark_joined(invitation=invitation)
    assert not svc.invitation_send(invitation=invitation).sent
    assert mail.outbox == []


# --- reminders and expiry --------------------------------------------------------------------------


def test_reminders_and_expiry_with_a_frozen_clock(settings):
    settings.FACEBOOK_GROUP_REMIND_AFTER_DAYS = 7
    settings.FACEBOOK_GROUP_EXPIRE_AFTER_DAYS = 30
    with time_machine.travel(START, tick=False):
        donors = [member() for _ in range(3)]
        sync()
        svc.invitations_send_many(invitation_ids=[d.facebook_invitation.pk for d in donors])
    answered = donors[2].facebook_invitation
    svc.invitation_mark_joined(invitation=answered)
    assert len(mail.outbox) == 3

    with time_machine.travel(START + datetime.timedelta(days=6), tick=False):
        assert svc.invitations_remind_and_expire().as_dict() == {"reminded": 0, "failed": 0, "expired": 0}
    with time_machine.travel(START + datetime.timedelta(days=7, minutes=1), tick=False):
        first = svc.invitations_remind_and_expire()
        again = svc.invitations_remind_and_expire()
    assert first.reminded == 2 and again.reminded == 0
    assert len(mail.outbox) == 5
    assert all("Facebook" in m.subject for m in mail.outbox[3:])
    with time_machine.travel(START + datetime.timedelta(days=20), tick=False):
        assert svc.invitations_remind_and_expire().reminded == 0  # one reminder only
    with time_machine.travel(START + datetime.timedelta(days=30, minutes=1), tick=False):
        first = svc.invitations_remind_and_expire()
        again = svc.invitations_remind_and_expire()
    assert first.expired == 2 and again.expired == 0
    assert len(mail.outbox) == 5
    statuses = {d.pk: FacebookGroupInvitation.objects.get(donor=d).status for d in donors}
    assert list(statuses.values()) == [Status.EXPIRED, Status.EXPIRED, Status.JOINED]
    expired = donors[0].facebook_invitation
    expired.refresh_from_db()
    assert expired.closed_reason == FacebookGroupInvitation.ClosedReason.NO_ANSWER
    # Expired for no answer: the sync does not put them back in the queue.
    assert sync().restored == 0


def test_reminder_command_twice_sends_once(settings):
    with time_machine.travel(START, tick=False):
        donor = member()
        sync()
        svc.invitation_send(invitation=donor.facebook_invitation)
    with time_machine.travel(START + datetime.timedelta(days=8), tick=False):
        call_command("invitation_reminders", "--json")
        call_command("invitation_reminders")
    assert len(mail.outbox) == 2
    invitation = FacebookGroupInvitation.objects.get()
    assert invitation.status == Status.REMINDED
    assert invitation.events.filter(to_status=Status.REMINDED).count() == 1


def test_a_claimed_invitation_is_not_sent_by_a_second_worker():
    """Another worker is sending this reminder right now (its claim is fresh): this run skips it."""
    with time_machine.travel(START, tick=False):
        donor = member()
        sync()
        svc.invitation_send(invitation=donor.facebook_invitation)
    later = START + datetime.timedelta(days=8)
    FacebookGroupInvitation.objects.update(send_claimed_at=later - datetime.timedelta(minutes=1))
    with time_machine.travel(later, tick=False):
        assert svc.invitations_remind_and_expire().reminded == 0
    assert len(mail.outbox) == 1
    # A claim left by a worker that died is taken over after the timeout.
    with time_machine.travel(later + datetime.timedelta(minutes=20), tick=False):
        assert svc.invitations_remind_and_expire().reminded == 1


def test_failed_reminder_is_retried_next_run(settings, failing_mail):
    settings.MAILERS = WORKING
    with time_machine.travel(START, tick=False):
        donor = member()
        sync()
        svc.invitation_send(invitation=donor.facebook_invitation)
    settings.MAILERS = FAILING
    with time_machine.travel(START + datetime.timedelta(days=8), tick=False):
        assert svc.invitations_remind_and_expire().failed == 1
    invitation = FacebookGroupInvitation.objects.get()
    assert invitation.status == Status.INVITED and invitation.last_error
    settings.MAILERS = WORKING
    with time_machine.travel(START + datetime.timedelta(days=9), tick=False):
        assert svc.invitations_remind_and_expire().reminded == 1


# --- bulk ------------------------------------------------------------------------------------------------


def test_bulk_marks_change_those_that_apply_and_report_the_rest(superuser):
    donors = [member() for _ in range(4)]
    sync()
    ids = [d.facebook_invitation.pk for d in donors]
    svc.invitation_mark_declined(invitation=donors[3].facebook_invitation)
    result = svc.invitations_mark_many(invitation_ids=ids, mark="joined", user=superuser)
    assert sorted(result.changed) == sorted(ids[:3]) and result.skipped == [ids[3]]
    assert FacebookGroupInvitation.objects.filter(status=Status.JOINED).count() == 3
    again = svc.invitations_mark_many(invitation_ids=ids, mark="joined", user=superuser)
    assert again.changed == []
    events = FacebookGroupInvitationEvent.objects.filter(to_status=Status.JOINED)
    assert events.count() == 3 and {e.by_user_id for e in events} == {superuser.pk}


def test_bulk_send_reports_failures_per_invitation(settings):
    donors = [member() for _ in range(3)]
    sync()
    Donor.objects.filter(pk=donors[1].pk).update(email=None)
    result = svc.invitations_send_many(invitation_ids=[d.facebook_invitation.pk for d in donors])
    assert len(result.changed) == 2 and list(result.failed) == [donors[1].facebook_invitation.pk]
    assert len(mail.outbox) == 2


# --- paste-to-match --------------------------------------------------------------------------------------


def _outcomes(lines):
    return [(line.number, line.outcome) for line in lines]


def test_paste_to_match_line_by_line():
    yamada = member(
        family_name="山田", given_name="花子", family_name_kana="ヤマダ", given_name_kana="ハナコ"
    )
    sato = member(family_name="佐藤", given_name="健太", family_name_kana="サトウ", given_name_kana="ケンタ")
    twin_a = member(family_name="鈴木", given_name="翔", family_name_kana="スズキ", given_name_kana="ショウ")
    twin_b = member(family_name="鈴木", given_name="翔", family_name_kana="スズキ", given_name_kana="ショウ")
    joined = member(family_name="田中", given_name="陽菜", family_name_kana="タナカ", given_name_kana="ヒナ")
    sync()
    svc.invitation_mark_joined(invitation=joined.facebook_invitation)
    code = sato.facebook_invitation.join_code
    text = "\n".join(
        [
            "山田 花子",  # 1 kanji name
            f"  {code.lower().replace('-', '')}  ",  # 2 code, lower case, no dash
            "鈴木 翔",  # 3 two donors of that name
            "????",  # 4 junk
            "Hanako Yamada",  # 5 same donor as line 1, in romaji
            "",  # blank: skipped
            joined.facebook_invitation.join_code,  # 6 already joined
            "WG-ZZZZZ",  # 7 nobody's code
            f"山田 花子 {code}",  # 8 Sato's code with Yamada's name
        ]
    )
    lines = svc.invitations_match_paste(text=text)
    assert _outcomes(lines) == [
        (1, "matched"),
        (2, "matched"),
        (3, "ambiguous"),
        (4, "unmatched"),
        (5, "duplicate"),
        (7, "not_awaiting"),
        (8, "unmatched"),
        (9, "conflict"),
    ]
    assert lines[0].invitation.donor_id == yamada.pk
    assert lines[1].invitation.donor_id == sato.pk
    assert {c.donor_id for c in lines[2].candidates} == {twin_a.pk, twin_b.pk}
    assert "line 1" in lines[4].detail
    assert "joined" in lines[5].detail


def test_paste_then_confirm_marks_only_the_matched():
    donors = [
        member(family_name="高橋", given_name=g, family_name_kana="タカハシ", given_name_kana=kana)
        for g, kana in (("太郎", "タロウ"), ("美咲", "ミサキ"))
    ]
    sync()
    lines = svc.invitations_match_paste(text="高橋太郎\nTAKAHASHI MISAKI\nnobody")
    matched = [line.invitation.pk for line in lines if line.matched]
    assert len(matched) == 2
    svc.invitations_mark_many(invitation_ids=matched, mark="joined")
    assert {FacebookGroupInvitation.objects.get(donor=d).status for d in donors} == {Status.JOINED}


# --- segment rule and stats ---------------------------------------------------------------------------


def test_segment_rule_and_crm_stats(capsys):
    from crm.segments.rules import compile_rule

    joined, waiting = member(), member()
    DonorFactory()
    sync()
    svc.invitation_mark_joined(invitation=joined.facebook_invitation)
    rule = {"field": "facebook_group", "operator": "is", "value": "joined"}
    assert list(Donor.objects.filter(compile_rule(rule)).values_list("pk", flat=True)) == [joined.pk]
    none_rule = {"field": "facebook_group", "operator": "is", "value": "none"}
    assert Donor.objects.filter(compile_rule(none_rule)).count() == 1
    call_command("crm_stats", "--json")
    import json

    stats = json.loads(capsys.readouterr().out)
    assert stats["facebook_group"]["eligible"] == 1 and stats["facebook_group"]["joined"] == 1
    assert sum(stats["facebook_group"].values()) == 2
    assert waiting.facebook_invitation.status == Status.ELIGIBLE


# --- one queue check per transaction ---------------------------------------------------------------------


def test_one_transaction_checks_the_queue_once_for_every_donor_it_touched(
    django_capture_on_commit_callbacks, monkeypatch
):
    from crm.payments.signals import membership_ended

    first, second = member(), member()
    sync()
    calls = []
    from crm.community import receivers

    original = receivers.invitations_sync_eligibility

    def counting(**kwargs):
        calls.append(sorted(kwargs.get("donor_ids") or []))
        return original(**kwargs)

    monkeypatch.setattr(receivers, "invitations_sync_eligibility", counting)
    with django_capture_on_commit_callbacks(execute=True):
        for donor in (first, second):
            gift = donor.recurring_donations.get()
            gift.status = RecurringDonation.Status.CANCELED
            gift.save()
            membership_ended.send(sender=RecurringDonation, donor=donor, recurring_donation=gift)
    # (Ids left by earlier rolled-back test transactions on this connection may ride along.)
    assert len(calls) == 1 and {first.pk, second.pk} <= set(calls[0])
    assert {FacebookGroupInvitation.objects.get(donor=d).status for d in (first, second)} == {Status.EXPIRED}


def test_a_rolled_back_change_does_not_swallow_the_next_check(django_capture_on_commit_callbacks):
    from django.db import transaction

    donor = member()
    sync()
    gift = donor.recurring_donations.get()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                gift.status = RecurringDonation.Status.PAUSED
                gift.save()
                raise RuntimeError("the webhook failed halfway")
        except RuntimeError:
            pass
        gift.refresh_from_db()
        gift.status = RecurringDonation.Status.CANCELED
        gift.save()
    assert FacebookGroupInvitation.objects.get(donor=donor).status == Status.EXPIRED
