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
from crm.companies.models import PartnerCompany
from crm.donors.models import Donor, TaggedDonor

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


def _tags() -> list[tuple[str, Any]]:
    # The tags donors have now (a tag nobody carries would select nobody).
    names = TaggedDonor.tag_model().objects.filter(crm_taggeddonor_items__isnull=False)
    return [(name, name) for name in names.distinct().order_by("name").values_list("name", flat=True)]


def _companies() -> list[tuple[str, Any]]:
    # Stored by id, so renaming a company keeps the rule; shown and typed by name.
    return [(str(pk), name) for pk, name in PartnerCompany.objects.order_by("name").values_list("pk", "name")]


#: Fields whose value is picked from the CRM's own rows; anything else typed there is refused.
PICKED_FROM_ROWS = {"tag", "company"}

#: Fields whose value is one of a list (several, comma-separated, where the rule allows it).
VALUE_CHOICES: dict[str, Callable[[], list[tuple[str, Any]]]] = {
    "membership": _membership,
    "tier": _tier,
    "language": lambda: list(Donor.Language.choices),
    "newsletter": lambda: list(Donor.NewsletterStatus.choices),
    "facebook_group": _facebook_group,
    "tag": _tags,
    "company": _companies,
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


def unknown_values(field: str, text: str) -> list[str]:
    """The words of a tag or company rule that name no tag or company in the CRM (after value_as_codes)."""
    if field not in PICKED_FROM_ROWS or not text:
        return []
    codes = {code for code, _label in value_choices(field)}
    return [word.strip() for word in text.split(",") if word.strip() and word.strip() not in codes]
