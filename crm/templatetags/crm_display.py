"""Template filters for values people read (crm/display.py): {{ gift.received_at|when }},
{{ donor.first_gift_at|day }}, {{ donation.amount|money:donation.currency }}, {{ membership|per_interval }}."""

from django import template

from crm import display

register = template.Library()


@register.filter
def when(value) -> str:
    return display.when(value)


@register.filter
def day(value) -> str:
    return display.day(value)


@register.filter
def money(amount, currency: str = "JPY") -> str:
    return display.money(amount, currency)


@register.filter
def per_interval(membership) -> str:
    """毎月 ¥1,000 for a monthly member (anything with amount, currency and interval)."""
    return display.money_per_interval(membership.amount, membership.currency, membership.interval)


@register.filter
def yes_no(value) -> str:
    return display.yes_no(value)
