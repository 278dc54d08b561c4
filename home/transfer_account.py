"""The NPO's own bank account for transfers (振込先), shown on the donation page.

A Wagtail setting rather than page fields: one account, shown on the Japanese and the English
donation page alike, edited by Communications (Settings → Bank transfer details). The bank and
branch codes are checked against zengin-code (the 全銀協 list shipped in the package, nothing
downloaded), which also fills in their names.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from crm.banktransfers import banks

_HOLDER_KANA = re.compile(r"^[ァ-ヴー０-９Ａ-Ｚ（）．－／　 ]+$")

DEFAULT_NOTE_JA = (
    "お振込みの際は、ご依頼人名の前にサポーター番号(お持ちの方)を入れ、ご登録のお名前でお振込みください。"
    "振込手数料はご負担をお願いしております。領収書はご登録の方法(メールまたは郵送)でお送りします。"
)
DEFAULT_NOTE_EN = (
    "When you transfer, please write your name as registered with us (with your supporter number "
    "before it, if you have one), so we can recognise your gift. Transfer fees are paid by the sender. "
    "We send your receipt by email or post, as you chose."
)


@register_setting(icon="tasks")
class BankTransferAccount(BaseGenericSetting):
    class AccountType(models.TextChoices):
        ORDINARY = "1", _("Ordinary (普通)")
        CURRENT = "2", _("Current (当座)")
        SAVINGS = "4", _("Savings (貯蓄)")

    show_on_donation_page = models.BooleanField(_("show on the donation page"), default=False)
    bank_code = models.CharField(
        _("bank code"), max_length=4, blank=True, help_text=_("4 digits, e.g. 0001.")
    )
    bank_name = models.CharField(
        _("bank name (Japanese)"),
        max_length=100,
        blank=True,
        help_text=_("Filled in from the bank code when blank."),
    )
    bank_name_en = models.CharField(_("bank name (English)"), max_length=100, blank=True)
    branch_code = models.CharField(_("branch code"), max_length=3, blank=True, help_text=_("3 digits."))
    branch_name = models.CharField(
        _("branch name (Japanese)"),
        max_length=100,
        blank=True,
        help_text=_("Filled in from the branch code when blank."),
    )
    branch_name_en = models.CharField(_("branch name (English)"), max_length=100, blank=True)
    account_type = models.CharField(
        _("account type"), max_length=1, choices=AccountType.choices, default=AccountType.ORDINARY
    )
    account_number = models.CharField(_("account number"), max_length=7, blank=True, help_text=_("7 digits."))
    holder_kana = models.CharField(
        _("account holder (kana)"),
        max_length=100,
        blank=True,
        help_text=_("As the bank shows it to the sender, in full-width katakana: トクヒ）ウエルジー"),
    )
    holder_name = models.CharField(_("account holder (name)"), max_length=200, blank=True)
    note_ja = models.TextField(_("note for senders (Japanese)"), blank=True, default=DEFAULT_NOTE_JA)
    note_en = models.TextField(_("note for senders (English)"), blank=True, default=DEFAULT_NOTE_EN)
    is_example = models.BooleanField(
        _("example account"),
        default=False,
        help_text=_("The demo's invented account: the page says it is an example. Untick for the real one."),
    )

    panels = [
        FieldPanel("show_on_donation_page"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("bank_code"), FieldPanel("bank_name"), FieldPanel("bank_name_en")]),
                FieldRowPanel(
                    [FieldPanel("branch_code"), FieldPanel("branch_name"), FieldPanel("branch_name_en")]
                ),
                FieldRowPanel([FieldPanel("account_type"), FieldPanel("account_number")]),
                FieldRowPanel([FieldPanel("holder_kana"), FieldPanel("holder_name")]),
            ],
            heading=pgettext_lazy("bank", "Account"),
        ),
        FieldPanel("note_ja"),
        FieldPanel("note_en"),
        FieldPanel("is_example"),
    ]

    class Meta:
        verbose_name = _("bank transfer details")

    def clean(self):
        super().clean()
        errors: dict[str, str] = {}
        bank = banks.bank_name(self.bank_code) if self.bank_code else None
        branch = banks.branch_name(self.bank_code, self.branch_code) if self.branch_code else None
        if self.bank_code and bank is None:
            errors["bank_code"] = _("No bank has the code %(code)s.") % {"code": self.bank_code}
        if self.branch_code and bank is not None and branch is None:
            errors["branch_code"] = _("%(bank)s has no branch %(code)s.") % {
                "bank": bank,
                "code": self.branch_code,
            }
        if self.account_number and not (self.account_number.isdigit() and len(self.account_number) == 7):
            errors["account_number"] = _("An account number has 7 digits (add zeros in front).")
        if self.holder_kana and not _HOLDER_KANA.match(self.holder_kana):
            errors["holder_kana"] = _("Write the holder in full-width katakana, as the bank shows it.")
        complete = self.bank_code and self.branch_code and self.account_number and self.holder_kana
        if self.show_on_donation_page and not complete:
            errors["show_on_donation_page"] = _("Fill in the bank, branch, account number and holder first.")
        if errors:
            raise ValidationError(errors)
        self.bank_name = self.bank_name or bank or ""
        self.branch_name = self.branch_name or branch or ""

    @property
    def is_complete(self) -> bool:
        return bool(self.show_on_donation_page and self.account_number and self.holder_kana)

    @property
    def _english(self) -> bool:
        return (translation.get_language() or "ja").startswith("en")

    @property
    def bank_label(self) -> str:
        name = self.bank_name_en if self._english and self.bank_name_en else self.bank_name
        return f"{name} ({self.bank_code})"

    @property
    def branch_label(self) -> str:
        name = self.branch_name_en if self._english and self.branch_name_en else self.branch_name
        return f"{name} ({self.branch_code})"

    @property
    def note(self) -> str:
        return self.note_en if self._english else self.note_ja
