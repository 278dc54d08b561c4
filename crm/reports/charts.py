"""The dashboard's charts, drawn on the server as SVG by pygal (a kept chart library), so the page
works without JavaScript, prints, and needs nothing from a CDN.

pygal's default configuration links a tooltip script from a CDN; every chart here sets `js=[]`
instead, and prints each value on its bar or point so nothing depends on hovering. The SVG has a
viewBox and no fixed size: it scales to the width of a laptop or a phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import pygal
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from pygal.style import Style

from crm.display import money

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#262626",
    foreground_strong="#262626",
    foreground_subtle="#767676",
    # Debian's Noto CJK first, so Japanese labels draw in a Japanese face.
    font_family="'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=11,
    legend_font_size=13,
    title_font_size=15,
    # Wagtail's teal, then colours that stay apart for the common kinds of colour blindness.
    colors=("#007d7e", "#e69f00", "#56b4e9", "#cc79a7", "#009e73", "#d55e00", "#0072b2"),
)

WIDTH, HEIGHT = 800, 380


def yen(value: float | None) -> str:
    return "" if value is None else money(value)


def number(value: float | None) -> str:
    """Whole numbers as such; the axis of a chart of small counts may step by fractions."""
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def compact(value: float | None) -> str:
    """¥1,234,567 as 123.5万 in Japanese, ¥1,235k in English: short enough for a bar. Nothing for
    an empty part of a stack (pygal stacks a missing value as 0 and would print it)."""
    if not value:
        return ""
    if get_language() == "ja":
        return f"{value / 10_000:,.1f}万"
    return f"¥{value / 1000:,.0f}k"


def _config(chart_class, *, x_title: str, y_title: str, formatter: Callable, legend: bool, **extra):
    extra.setdefault("print_values", True)
    formatter = extra.pop("value_formatter", formatter)
    return chart_class(
        style=STYLE,
        js=[],  # no CDN script: values are printed instead of shown in tooltips
        disable_xml_declaration=True,
        explicit_size=False,
        width=WIDTH,
        height=HEIGHT,
        x_title=x_title,
        y_title=y_title,
        value_formatter=formatter,
        print_zeroes=False,
        show_legend=legend,
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        truncate_legend=-1,
        truncate_label=-1,
        margin=12,
        **extra,
    )


# pygal always writes its configuration for the tooltip script into the SVG as an inline script;
# with no tooltip script (js=[]) nothing reads it, so it is dropped and the page carries no script.
_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)


def _render(chart) -> SafeString:
    # pygal escapes every label and value it writes into the SVG.
    return mark_safe(_INLINE_SCRIPT.sub("", chart.render(is_unicode=True)))


def line(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    x_title: str,
    y_title: str,
    formatter: Callable = number,
) -> SafeString:
    chart = _config(
        pygal.Line,
        x_title=x_title,
        y_title=y_title,
        formatter=formatter,
        legend=len(series) > 1,
        x_label_rotation=45 if len(labels) > 12 else 0,
        show_minor_x_labels=True,
        dots_size=3,
        include_x_axis=True,
    )
    chart.title = title
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return _render(chart)


def bars(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    x_title: str,
    y_title: str,
    formatter: Callable = number,
    stacked: bool = False,
) -> SafeString:
    chart = _config(
        pygal.StackedBar if stacked else pygal.Bar,
        x_title=x_title,
        y_title=y_title,
        formatter=formatter,
        legend=len(series) > 1,
        x_label_rotation=45 if len(labels) > 12 else 0,
        # Inside stacked bars and on many bars, short values: full ones would overlap (the table
        # beside the chart has them all).
        value_formatter=compact if stacked and formatter is yen else formatter,
    )
    chart.title = title
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return _render(chart)


def horizontal(
    *,
    title: str,
    items: Sequence[tuple[str, float]],
    x_title: str,
    formatter: Callable = number,
) -> SafeString:
    """One bar per item, labelled on the axis: tiers, consent statuses, the Facebook-group funnel."""
    chart = _config(
        pygal.HorizontalBar,
        x_title=x_title,
        y_title="",
        formatter=formatter,
        legend=False,
        include_x_axis=True,
    )
    chart.title = title
    chart.x_labels = [label for label, _value in items]
    chart.add(title, [value for _label, value in items])
    return _render(chart)
