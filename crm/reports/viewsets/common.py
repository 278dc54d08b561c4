"""What the dashboard page and the reports share: the permission they need, the period form and
how a month and an amount are written."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy

from crm.display import money
from crm.donors.models import Donor
from crm.reports import selectors
from crm.reports.selectors import Period
from crm.segments.models import Segment

donor_permission = ModelPermissionPolicy(Donor)
segment_permission = ModelPermissionPolicy(Segment)


def choice_labels(choices) -> dict[str, str]:
    """A model field's choices as plain strings in the active language, by value."""
    return {str(value): str(label) for value, label in choices}


def format_month(day: datetime.date) -> str:
    return day.strftime("%Y-%m")


def format_yen(value: int | None) -> str:
    """A report's yen cell: crm.display.money, or an empty cell where there is no figure."""
    return "" if value is None else money(value)


class PeriodForm(forms.Form):
    """From which month to which month the charts run (whole months; the last one up to today)."""

    start = forms.DateField(
        label=_("From (month)"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    end = forms.DateField(
        label=_("To (month)"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        this_month = selectors.month_start(self.today)
        end = min(selectors.month_start(data.get("end") or self.today), this_month)
        start = selectors.month_start(
            data.get("start") or selectors.add_months(end, -(selectors.DEFAULT_MONTHS - 1))
        )
        if start > end:
            raise forms.ValidationError(_("The first month must not be after the last one."))
        if selectors.month_index(end) - selectors.month_index(start) + 1 > selectors.MAX_MONTHS:
            raise forms.ValidationError(
                _("Choose at most %(months)s months.") % {"months": selectors.MAX_MONTHS}
            )
        data["period"] = Period(first=start, last=end, today=self.today)
        return data


def period_from(request, *, today: datetime.date | None = None) -> tuple[PeriodForm, Period]:
    today = today or timezone.localdate()
    form = PeriodForm(request.GET or None, today=today)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["period"]
    return form, Period.ending(today=today)
