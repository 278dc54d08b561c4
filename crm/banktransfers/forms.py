"""Forms of the bank-transfer screens: a batch of gifts, a statement upload."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.banktransfers.parsing import StatementError, read_statement
from crm.banktransfers.selectors import donors_find
from crm.banktransfers.services import NewDonor
from crm.donors.normalise import (
    normalise_amount,
    normalise_email,
    normalise_kana,
    normalise_phone,
    split_full_name,
)
from crm.donors.services.donors import donor_find_by_email

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
        required=False,
        help_text=_("Number (#123), email, or name in kanji, kana or romaji."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "donor-choices", "data-donor-find": ""}),
    )
    amount = forms.CharField(
        label=_("Amount (yen)"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    memo = forms.CharField(label=_("Memo"), max_length=255, required=False)
    # A donor nobody has recorded yet: created when the batch is posted, never before.
    new_name = forms.CharField(
        label=_("New donor: name"),
        max_length=200,
        required=False,
        help_text=_("Family name, a space, given name: 山田 太郎."),
    )
    new_kana = forms.CharField(
        label=_("New donor: reading (kana)"),
        max_length=200,
        required=False,
        help_text=_("As the bank shows it: ヤマダ タロウ."),
    )
    new_email = forms.EmailField(label=_("New donor: email"), required=False)
    new_phone = forms.CharField(label=_("New donor: phone"), max_length=40, required=False)

    NEW_DONOR_FIELDS = ("new_name", "new_kana", "new_email", "new_phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.donor = None  # the donor found, once clean
        self.new_donor: NewDonor | None = None  # or the one to create when the batch is posted

    @property
    def new_donor_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.NEW_DONOR_FIELDS]

    @property
    def new_donor_typed(self) -> bool:
        """Anything typed for a new donor (the form shows that part open again)."""
        return any(str(field.value() or "").strip() for field in self.new_donor_fields)

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

    def clean_new_kana(self):
        kana = normalise_kana(self.cleaned_data["new_kana"])
        if kana and not all("\u30a0" <= c <= "\u30ff" or c in " ー" for c in kana):
            raise forms.ValidationError(_("Write the reading in kana (ヤマダ タロウ or やまだ たろう)."))
        return kana

    def clean_new_phone(self):
        phone = self.cleaned_data["new_phone"]
        if not phone:
            return ""
        try:
            return normalise_phone(phone)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_new_email(self):
        if not self.cleaned_data["new_email"]:
            return ""
        try:
            email = normalise_email(self.cleaned_data["new_email"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        owner = donor_find_by_email(email=email)
        if owner is not None:
            raise forms.ValidationError(
                _("%(email)s belongs to donor #%(id)s %(name)s already: type #%(id)s under Donor instead.")
                % {"email": email, "id": owner.pk, "name": owner.display_name}
            )
        return email

    def clean_donor(self):
        query = self.cleaned_data["donor"]
        if not query:
            return ""
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

    def clean(self):
        data = super().clean()
        typed_donor = bool(self.data.get(self.add_prefix("donor"), "").strip())
        typed_new = self.new_donor_typed
        if typed_donor and typed_new:
            self.add_error("donor", _("Find a donor or enter a new one, not both."))
        elif not typed_donor and not typed_new:
            self.add_error("donor", _("Find a donor, or enter a new donor's name below."))
        elif typed_new and not any(name in self.errors for name in self.NEW_DONOR_FIELDS):
            if not (data["new_name"] or data["new_kana"]):
                self.add_error("new_name", _("A new donor needs a name or a reading in kana."))
                return data
            family, given = split_full_name(data["new_name"])
            family_kana, given_kana = split_full_name(data["new_kana"])
            self.new_donor = NewDonor(
                family_name=family[:100],
                given_name=given[:100],
                family_name_kana=family_kana[:100],
                given_name_kana=given_kana[:100],
                email=data["new_email"],
                phone=data["new_phone"],
            )
        return data


class RequiredRowsFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if not any(form.cleaned_data for form in self.forms if form.is_valid()):
            raise forms.ValidationError(_("Enter at least one gift."))
        # Rows giving one new address make one donor: they must agree on who that is.
        first_with: dict[str, tuple[int, NewDonor]] = {}
        for number, form in enumerate(self.forms, start=1):
            new = getattr(form, "new_donor", None)
            if new is None or not new.email:
                continue
            if new.email not in first_with:
                first_with[new.email] = (number, new)
            elif first_with[new.email][1] != new:
                form.add_error(
                    "new_email",
                    _("Row %(row)s gives this address to a new donor with other details: make them the same.")
                    % {"row": first_with[new.email][0]},
                )


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
