"""Cells of the donor listing.

They render with format_html instead of Wagtail's template per cell: a page of 100 donors has 800
cells, and the templates (a dropdown of buttons per row, a tooltip per date) cost more than the
database does. The markup keeps Wagtail's classes, so it looks the same.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, Table
from wagtail.admin.views.generic import IndexView


class TextColumn(Column):
    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        return format_html("<td>{}</td>", "" if value is None else value)


class YenColumn(Column):
    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        return format_html('<td class="w-text-right">{}</td>', f"{value:,}" if value is not None else "")


class DayColumn(Column):
    """A date as 2026-04-01 (the Japanese office's format), the full time in the datetime attribute."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if not value:
            return mark_safe("<td></td>")
        day = timezone.localtime(value) if isinstance(value, datetime.datetime) else value
        return format_html(
            '<td><time datetime="{}">{}</time></td>', value.isoformat(), day.strftime("%Y-%m-%d")
        )


class YesNoColumn(Column):
    _ICONS = {
        True: ("check", "w-text-positive-100", _("Yes")),
        False: ("cross", "w-text-text-error", _("No")),
    }

    def render_cell_html(self, instance, parent_context):
        name, classname, label = self._ICONS[bool(self.get_value(instance))]
        return format_html(
            '<td><svg class="icon icon-{0} default {1}" aria-hidden="true"><use href="#icon-{0}"></use></svg>'
            '<span class="w-sr-only">{2}</span></td>',
            name,
            classname,
            label,
        )


class DonorNameColumn(Column):
    """The name opens the donor's record and timeline; staff who may change donors get an Edit link."""

    def __init__(self, name, *, view: IndexView, **kwargs):
        super().__init__(name, **kwargs)
        self.view = view

    def render_cell_html(self, instance, parent_context):
        inspect_url = self.view.get_inspect_url(instance)
        name = str(instance) or _("(blank)")
        title = format_html('<a href="{}">{}</a>', inspect_url, name) if inspect_url else name
        actions = ""
        if edit_url := self.view.get_edit_url(instance):
            actions = format_html(
                '<ul class="actions"><li><a class="button button-small button-secondary" href="{}">{}</a>'
                "</li></ul>",
                edit_url,
                _("Edit"),
            )
        return format_html('<td class="title"><div class="title-wrapper">{}</div>{}</td>', title, actions)


class DonorTable(Table):
    """Rows joined in Python: the donor columns above render without the template context."""

    template_name = "crm/donors/table.html"

    def body_html(self) -> str:
        columns = list(self.columns.values())
        context = {"table": self}
        return mark_safe(
            "".join(
                "<tr>" + "".join(column.render_cell_html(instance, context) for column in columns) + "</tr>"
                for instance in self.data
            )
        )
