"""Forms of the bank-transfer screens: a batch of gifts, a statement upload."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.banktransfers.parsing import StatementError, read_statement
from crm.banktransfers.selectors import donors_find
from crm.donors.normalise import normalise_amount

MAX_GIFT_JPY = 100_000_000
EARLIEST = dt.date(2000, 1, 1)


def donor_label(donor) -> str:
    kana = f" ({donor.kana_name})" if donor.kana_name else ""
    return f"#{donor.pk} {donor.display_name}{kana}"


class GiftBatchForm(forms.Form):
    name = forms.CharField(label=_("Batch name"), max_length=200, help_text=_("For example: 11月 振込 (1)"))
    expected_count = forms.IntegerField(
        label=_("Number of gifts on the statement"), min_value=1, max_value=1000
    )
    expected_total = forms.IntegerField(label=_("Total on the statement (yen)"), min_value=1)


class GiftRowForm(forms.Form):
    received_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the bank booked it."),
    )
    donor = forms.CharField(
        label=_("Donor"),
        max_length=200,
        help_text=_("Number (#123), email, or name in kanji, kana or romaji."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "donor-choices", "data-donor-find": ""}),
    )
    amount = forms.CharField(
        label=_("Amount (yen)"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    memo = forms.CharField(label=_("Memo"), max_length=255, required=False)

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        if day < EARLIEST:
            raise forms.ValidationError(_("This date is too long ago."))
        return day

    def clean_amount(self):
        try:
            amount = normalise_amount(self.cleaned_data["amount"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if amount > MAX_GIFT_JPY:
            raise forms.ValidationError(_("More than ¥100,000,000: check the amount."))
        return amount

    def clean_donor(self):
        query = self.cleaned_data["donor"]
        found = donors_find(query)
        if not found:
            raise forms.ValidationError(_("No donor matches “%(query)s”.") % {"query": query})
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several donors match; type the number of the one you mean: %(donors)s")
                % {"donors": ", ".join(donor_label(d) for d in found)}
            )
        self.donor = found[0]
        return f"#{found[0].pk}"


class RequiredRowsFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if not any(form.cleaned_data for form in self.forms if form.is_valid()):
            raise forms.ValidationError(_("Enter at least one gift."))


def gift_row_formset(*, blank_rows: int = 10) -> type[forms.BaseFormSet]:
    """Rows to type into; blank ones are left out (a form nobody touched is not validated)."""
    return forms.formset_factory(
        GiftRowForm, formset=RequiredRowsFormSet, extra=blank_rows, max_num=1000, validate_max=True
    )


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_(
            "The Zengin (全銀協) 入出金取引明細 file, or the CSV your bank's web banking downloads "
            "(columns 日付, 振込依頼人名 or 摘要, 入金額), in Shift_JIS or UTF-8."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            read_statement(upload.read())
        except StatementError as exc:
            raise forms.ValidationError(str(exc)) from None
        upload.seek(0)
        return upload
