"""The members-only Facebook group: one invitation per donor, its status history, and the texts.

Facebook has no API to invite someone into a group, so the CRM keeps the workflow (who to invite,
who answered, who must leave) and staff do the clicks in Facebook. The join code a donor receives
is what the group's membership question asks for, so staff match a join request in one search.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

# No 0/O, 1/I/L, so a code read aloud or retyped from a phone screen survives.
JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_PREFIX = "WG-"
JOIN_CODE_LENGTH = 5


def new_join_code() -> str:
    return JOIN_CODE_PREFIX + "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class FacebookGroupInvitation(models.Model):
    class Status(models.TextChoices):
        ELIGIBLE = "eligible", _("To invite")
        INVITED = "invited", _("Invited")
        REMINDED = "reminded", _("Reminded")
        JOINED = "joined", _("Joined")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        REMOVAL_DUE = "removal_due", _("To remove")
        REMOVED = "removed", _("Removed")

    class ClosedReason(models.TextChoices):
        NONE = "", _("—")
        NO_ANSWER = "no_answer", _("No answer")
        MEMBERSHIP_ENDED = "membership_ended", _("Membership ended")
        STAFF = "staff", _("Closed by staff")

    #: Statuses in which a join request from this donor is expected.
    AWAITING = (Status.ELIGIBLE, Status.INVITED, Status.REMINDED)

    donor = models.OneToOneField(
        "crm.Donor", verbose_name=_("donor"), on_delete=models.CASCADE, related_name="facebook_invitation"
    )
    join_code = models.CharField(_("join code"), max_length=12, unique=True, default=new_join_code)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ELIGIBLE)
    manual = models.BooleanField(
        _("added by hand"), default=False, help_text=_("Partners, board members: eligible without a gift.")
    )
    closed_reason = models.CharField(
        _("closed because"), max_length=20, choices=ClosedReason.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(_("in the queue since"), default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    removal_due_at = models.DateTimeField(_("removal due"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    # Set while an email to this donor is being sent, so two workers never send the same one twice.
    send_claimed_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("send claimed at")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Facebook-group invitation")
        verbose_name_plural = _("Facebook-group invitations")
        ordering = ["status_changed_at", "pk"]
        indexes = [
            models.Index(fields=["status", "status_changed_at"], name="crm_fbinv_status_idx"),
            models.Index(fields=["status", "invited_at"], name="crm_fbinv_invited_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.join_code} · {self.get_status_display()}"

    @property
    def is_awaiting(self) -> bool:
        return self.status in self.AWAITING


class FacebookGroupInvitationEvent(models.Model):
    """One status change of an invitation, for the donor's timeline."""

    invitation = models.ForeignKey(
        FacebookGroupInvitation, on_delete=models.CASCADE, related_name="events", verbose_name=_("invitation")
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=FacebookGroupInvitation.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=FacebookGroupInvitation.Status.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("Facebook-group invitation change")
        verbose_name_plural = _("Facebook-group invitation changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


DEFAULT_SUBJECT_JA = "WELgee メンバー限定 Facebook グループへのご招待"
DEFAULT_BODY_JA = (
    "{name} 様\n\n"
    "いつも WELgee ファミリーとしてご支援いただき、ありがとうございます。\n"
    "マンスリーサポーターの皆さまだけの Facebook グループにご招待します。\n"
    "活動の裏側や、難民等の仲間たちの近況をお届けしています。\n\n"
    "1. こちらから参加をリクエストしてください: {group_url}\n"
    "2. 参加時の質問に、次の参加コードをご記入ください: {join_code}\n\n"
    "WELgee"
)
DEFAULT_SUBJECT_EN = "Your invitation to the WELgee members' Facebook group"
DEFAULT_BODY_EN = (
    "Dear {name},\n\n"
    "Thank you for supporting WELgee every month as part of the family.\n"
    "We would like to invite you to our members-only Facebook group, where we share news from\n"
    "behind the scenes and from the refugees we walk alongside.\n\n"
    "1. Ask to join here: {group_url}\n"
    "2. When the group asks, give this join code: {join_code}\n\n"
    "WELgee"
)
DEFAULT_REMINDER_SUBJECT_JA = "【再送】WELgee メンバー限定 Facebook グループのご案内"
DEFAULT_REMINDER_BODY_JA = (
    "{name} 様\n\n"
    "先日ご案内した、マンスリーサポーター限定の Facebook グループへのご招待を改めてお送りします。\n\n"
    "参加リクエスト: {group_url}\n"
    "参加コード: {join_code}\n\n"
    "ご参加は任意です。参加されない場合は、このメールへの対応は不要です。\n\n"
    "WELgee"
)
DEFAULT_REMINDER_SUBJECT_EN = "Reminder: the WELgee members' Facebook group"
DEFAULT_REMINDER_BODY_EN = (
    "Dear {name},\n\n"
    "A gentle reminder of your invitation to our members-only Facebook group.\n\n"
    "Ask to join: {group_url}\n"
    "Your join code: {join_code}\n\n"
    "Joining is entirely up to you; if you would rather not, there is nothing to do.\n\n"
    "WELgee"
)

PLACEHOLDER_HELP = _("Placeholders: {name}, {join_code}, {group_url}.")


@register_setting(icon="group")
class FacebookGroupSettings(BaseGenericSetting):
    """The group link and the invitation emails; editors change them without a developer."""

    group_url = models.URLField(
        _("group link"), blank=True, default="", help_text=_("The members-only group's address on Facebook.")
    )
    invite_subject_ja = models.CharField(_("subject (Japanese)"), max_length=200, default=DEFAULT_SUBJECT_JA)
    invite_body_ja = models.TextField(
        _("body (Japanese)"), default=DEFAULT_BODY_JA, help_text=PLACEHOLDER_HELP
    )
    invite_subject_en = models.CharField(_("subject (English)"), max_length=200, default=DEFAULT_SUBJECT_EN)
    invite_body_en = models.TextField(
        _("body (English)"), default=DEFAULT_BODY_EN, help_text=PLACEHOLDER_HELP
    )
    reminder_subject_ja = models.CharField(
        _("reminder subject (Japanese)"), max_length=200, default=DEFAULT_REMINDER_SUBJECT_JA
    )
    reminder_body_ja = models.TextField(
        _("reminder body (Japanese)"), default=DEFAULT_REMINDER_BODY_JA, help_text=PLACEHOLDER_HELP
    )
    reminder_subject_en = models.CharField(
        _("reminder subject (English)"), max_length=200, default=DEFAULT_REMINDER_SUBJECT_EN
    )
    reminder_body_en = models.TextField(
        _("reminder body (English)"), default=DEFAULT_REMINDER_BODY_EN, help_text=PLACEHOLDER_HELP
    )

    panels = [
        FieldPanel("group_url"),
        MultiFieldPanel(
            [FieldPanel("invite_subject_ja"), FieldPanel("invite_body_ja")],
            heading=_("Invitation (Japanese)"),
        ),
        MultiFieldPanel(
            [FieldPanel("invite_subject_en"), FieldPanel("invite_body_en")], heading=_("Invitation (English)")
        ),
        MultiFieldPanel(
            [FieldPanel("reminder_subject_ja"), FieldPanel("reminder_body_ja")],
            heading=_("Reminder (Japanese)"),
        ),
        MultiFieldPanel(
            [FieldPanel("reminder_subject_en"), FieldPanel("reminder_body_en")],
            heading=_("Reminder (English)"),
        ),
    ]

    class Meta:
        verbose_name = _("Facebook group")

    def texts(self, *, language: str, reminder: bool = False) -> tuple[str, str]:
        kind = "reminder" if reminder else "invite"
        language = language if language in ("ja", "en") else "ja"
        return getattr(self, f"{kind}_subject_{language}"), getattr(self, f"{kind}_body_{language}")
