"""The values a segment rule's field can take, in the fundraisers' words.

A fundraiser types or picks 「購読中」 or "Subscribed"; the stored rule keeps the code (`subscribed`)
that crm.segments.rules compiles. Labels are matched in Japanese and English whatever the admin's
language, so a rule written by one colleague reads the same for the next.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from crm.community.models import FacebookGroupInvitation
from crm.donors.models import Donor

LANGUAGES = ("ja", "en")


def _membership() -> list[tuple[str, Any]]:
    return [
        ("member", _("Monthly member now")),
        ("past_due", _("Payment overdue")),
        ("paused", _("Paused")),
        ("former", _("Former member")),
        ("never", _("Never a member")),
    ]


def _tier() -> list[tuple[str, Any]]:
    return [("1000", "¥1,000"), ("5000", "¥5,000"), ("10000", "¥10,000")]


def _facebook_group() -> list[tuple[str, Any]]:
    return [*FacebookGroupInvitation.Status.choices, ("none", _("Never invited"))]


#: Fields whose value is one of a list (several, comma-separated, where the rule allows it).
VALUE_CHOICES: dict[str, Callable[[], list[tuple[str, Any]]]] = {
    "membership": _membership,
    "tier": _tier,
    "language": lambda: list(Donor.Language.choices),
    "newsletter": lambda: list(Donor.NewsletterStatus.choices),
    "facebook_group": _facebook_group,
}


def value_choices(field: str) -> list[tuple[str, Any]]:
    """(code, label) pairs for a choice field; empty for free-text fields (amounts, dates, tags)."""
    choices = VALUE_CHOICES.get(field)
    return choices() if choices else []


def _names_of(code: str, label: Any) -> set[str]:
    names = {code.casefold()}
    for language in LANGUAGES:
        with translation.override(language):
            names.add(str(label).casefold())
    return names


def value_as_codes(field: str, text: str) -> str:
    """The rule's value with every label a person typed replaced by its code.

    Unknown words are kept as typed, so the rule's own check names the values it accepts.
    """
    choices = value_choices(field)
    if not choices or not text:
        return text
    lookup = {name: code for code, label in choices for name in _names_of(code, label)}
    words = [word.strip() for word in text.replace("、", ",").split(",") if word.strip()]
    return ", ".join(lookup.get(word.casefold(), word) for word in words)


def value_as_labels(field: str, text: str) -> str:
    """The stored codes as the active language's labels, for showing a saved rule."""
    labels = {code: str(label) for code, label in value_choices(field)}
    if not labels or not text:
        return text
    return ", ".join(labels.get(word.strip(), word.strip()) for word in text.split(",") if word.strip())
