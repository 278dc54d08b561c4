"""The base of every CRM record page (Wagtail's InspectView): values as people read them.

Wagtail's InspectView prints a field's Python value (True, None, 1000, a UTC timestamp). This one
shows choices by their label, booleans as はい/いいえ, nothing as —, money with its sign (and, for a
monthly gift, 毎月 ¥1,000) and moments in Japan time, in the admin user's language (crm/display.py).
A view's own `get_<field>_display_value()` still wins, as in Wagtail.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from wagtail.admin.ui.components import Component
from wagtail.admin.views import generic

from crm import display

#: Fields that hold an amount of money in the record's `currency`.
MONEY_FIELDS = frozenset({"amount", "amount_refunded", "net_amount", "lifetime_value", "monthly_amount"})


class ReadableInspectView(generic.InspectView):
    money_fields: ClassVar[frozenset[str]] = MONEY_FIELDS

    def get_field_display_value(self, field_name: str, field: models.Field | None) -> Any:
        value_func = getattr(self, f"get_{field_name}_display_value", None)
        if callable(value_func):
            return value_func()
        if field_name in self.money_fields:
            return self._money(field_name)
        if field is not None and getattr(field, "choices", None):
            value = getattr(self.object, field.attname, None)
            return (
                getattr(self.object, f"get_{field_name}_display")()
                if value not in (None, "")
                else display.EMPTY
            )
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, Component):
            return value
        return display.for_people(value)

    def _money(self, field_name: str) -> str:
        amount = getattr(self.object, field_name)
        currency = getattr(self.object, "currency", "JPY")
        interval = getattr(self.object, "interval", None)
        if interval and field_name == "amount":
            return display.money_per_interval(amount, currency, interval)
        return display.money(amount, currency)
