"""What every receipt, statement, receipt email and thank-you letter says about the NPO: the texts
editors set in Settings > Receipts (a Wagtail setting), with their defaults in Japanese and English.

Imported by crm.receipts.models, so the model stays in the crm app where it always was.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

DEFAULT_NOTE_JA = (
    "当法人は特定非営利活動法人であり、認定特定非営利活動法人ではありません。"
    "このため、本寄付金は寄附金控除(税額控除・所得控除)の対象となりません。"
)
DEFAULT_NOTE_EN = (
    "WELgee is a specified non-profit corporation (NPO), not a certified (認定) NPO: "
    "this gift is not deductible from Japanese income tax."
)
DEFAULT_EMAIL_BODY_JA = (
    "{name}\n\n"
    "このたびは WELgee にご寄付をいただき、心より感謝申し上げます。\n"
    "領収書(PDF)を添付いたします。\n\n"
    "ご寄付の記録と領収書は、こちらからいつでもご覧いただけます:\n{donor_page_url}\n\n"
    "特定非営利活動法人 WELgee"
)
DEFAULT_EMAIL_BODY_EN = (
    "{name}\n\n"
    "Thank you for your gift to WELgee.\n"
    "Your receipt is attached (PDF).\n\n"
    "You can see your gifts and download every receipt here:\n{donor_page_url}\n\n"
    "WELgee"
)
DEFAULT_ANNUAL_BODY_JA = (
    "{name}\n\n"
    "{year}年も WELgee をご支援いただき、誠にありがとうございました。\n"
    "{year}年の年間寄付金領収書(PDF)を添付いたします。\n\n"
    "ご寄付の記録と領収書は、こちらからいつでもご覧いただけます:\n{donor_page_url}\n\n"
    "特定非営利活動法人 WELgee"
)
DEFAULT_ANNUAL_BODY_EN = (
    "{name}\n\n"
    "Thank you for supporting WELgee in {year}.\n"
    "Your annual statement of gifts for {year} is attached (PDF).\n\n"
    "You can see your gifts and download every receipt here:\n{donor_page_url}\n\n"
    "WELgee"
)
DEFAULT_LETTER_JA = (
    "拝啓\n\n"
    "このたびは WELgee に{amount}のご寄付を賜り、心より御礼申し上げます。\n"
    "いただいたご寄付は、日本に暮らす難民等の方々がキャリアと人生の目標を追求できるよう、"
    "伴走のために大切に使わせていただきます。\n\n"
    "今後とも変わらぬご支援を賜りますよう、お願い申し上げます。\n\n"
    "敬具"
)
DEFAULT_LETTER_EN = (
    "Thank you for your gift of {amount} to WELgee.\n\n"
    "Your gift helps refugees living in Japan pursue their careers and the goals of their lives, "
    "with people at their side.\n\n"
    "With our warmest thanks,"
)
EMAIL_HELP = _("Placeholders: {name} (with 様 / Dear), {year}, {donor_page_url}.")
LETTER_HELP = _("Placeholders: {amount}, {date}.")


@register_setting(icon="doc-full")
class ReceiptSettings(BaseGenericSetting):
    """What every receipt, statement, receipt email and thank-you letter says about the NPO."""

    organisation_name_ja = models.CharField(
        _("organisation name (Japanese)"), max_length=200, default="特定非営利活動法人 WELgee"
    )
    organisation_name_en = models.CharField(
        _("organisation name (English)"), max_length=200, default="WELgee (specified non-profit corporation)"
    )
    address_ja = models.TextField(_("address (Japanese)"), blank=True, default="東京都")
    address_en = models.TextField(_("address (English)"), blank=True, default="Tokyo, Japan")
    representative_ja = models.CharField(
        _("representative (Japanese)"), max_length=200, blank=True, default="代表理事"
    )
    representative_en = models.CharField(
        _("representative (English)"), max_length=200, blank=True, default="Representative Director"
    )
    seal = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("seal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The organisation's seal (印影), printed beside the representative's name."),
    )
    purpose_gift_ja = models.CharField(_("但し書き, gift (Japanese)"), max_length=100, default="ご寄付として")
    purpose_gift_en = models.CharField(_("但し書き, gift (English)"), max_length=100, default="As a donation")
    purpose_monthly_ja = models.CharField(
        _("但し書き, monthly gift (Japanese)"), max_length=100, default="月額会費として"
    )
    purpose_monthly_en = models.CharField(
        _("但し書き, monthly gift (English)"), max_length=100, default="As a monthly membership gift"
    )
    purpose_yearly_ja = models.CharField(
        _("但し書き, yearly gift (Japanese)"), max_length=100, default="年会費として"
    )
    purpose_yearly_en = models.CharField(
        _("但し書き, yearly gift (English)"), max_length=100, default="As a yearly membership gift"
    )
    note_ja = models.TextField(_("note on tax (Japanese)"), default=DEFAULT_NOTE_JA)
    note_en = models.TextField(_("note on tax (English)"), default=DEFAULT_NOTE_EN)
    email_subject_ja = models.CharField(
        _("receipt email subject (Japanese)"), max_length=200, default="ご寄付の領収書(WELgee)"
    )
    email_body_ja = models.TextField(
        _("receipt email body (Japanese)"), default=DEFAULT_EMAIL_BODY_JA, help_text=EMAIL_HELP
    )
    email_subject_en = models.CharField(
        _("receipt email subject (English)"), max_length=200, default="Your receipt from WELgee"
    )
    email_body_en = models.TextField(
        _("receipt email body (English)"), default=DEFAULT_EMAIL_BODY_EN, help_text=EMAIL_HELP
    )
    annual_subject_ja = models.CharField(
        _("annual statement email subject (Japanese)"),
        max_length=200,
        default="{year}年 年間寄付金領収書(WELgee)",
    )
    annual_body_ja = models.TextField(
        _("annual statement email body (Japanese)"), default=DEFAULT_ANNUAL_BODY_JA, help_text=EMAIL_HELP
    )
    annual_subject_en = models.CharField(
        _("annual statement email subject (English)"),
        max_length=200,
        default="Your {year} statement of gifts to WELgee",
    )
    annual_body_en = models.TextField(
        _("annual statement email body (English)"), default=DEFAULT_ANNUAL_BODY_EN, help_text=EMAIL_HELP
    )
    letter_ja = models.TextField(
        _("thank-you letter (Japanese)"), default=DEFAULT_LETTER_JA, help_text=LETTER_HELP
    )
    letter_en = models.TextField(
        _("thank-you letter (English)"), default=DEFAULT_LETTER_EN, help_text=LETTER_HELP
    )
    large_gift_jpy = models.PositiveIntegerField(
        _("large gift from (yen)"),
        default=50_000,
        help_text=_("A gift of at least this amount asks a person to call or write within 72 hours."),
    )
    post_monthly_receipts = models.BooleanField(
        _("post a receipt for every monthly gift"),
        default=False,
        help_text=_(
            "Off: monthly members who chose the post receive the annual statement only; their monthly "
            "receipts stay downloadable."
        ),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organisation_name_ja"),
                FieldPanel("address_ja"),
                FieldPanel("representative_ja"),
                FieldPanel("organisation_name_en"),
                FieldPanel("address_en"),
                FieldPanel("representative_en"),
                FieldPanel("seal"),
            ],
            heading=_("Issuer"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("purpose_gift_ja"),
                FieldPanel("purpose_monthly_ja"),
                FieldPanel("purpose_yearly_ja"),
                FieldPanel("purpose_gift_en"),
                FieldPanel("purpose_monthly_en"),
                FieldPanel("purpose_yearly_en"),
                FieldPanel("note_ja"),
                FieldPanel("note_en"),
            ],
            heading=_("Receipt texts"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("email_subject_ja"),
                FieldPanel("email_body_ja"),
                FieldPanel("email_subject_en"),
                FieldPanel("email_body_en"),
                FieldPanel("annual_subject_ja"),
                FieldPanel("annual_body_ja"),
                FieldPanel("annual_subject_en"),
                FieldPanel("annual_body_en"),
            ],
            heading=_("Emails"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("letter_ja"),
                FieldPanel("letter_en"),
                FieldPanel("large_gift_jpy"),
                FieldPanel("post_monthly_receipts"),
            ],
            heading=_("Thanks"),
        ),
    ]

    class Meta:
        verbose_name = _("Receipts")

    def text(self, field: str, language: str) -> str:
        """One ja/en pair's text in the donor's language (Japanese for any other)."""
        return getattr(self, f"{field}_{'en' if language == 'en' else 'ja'}")
