"""Segment rules -> one Django Q expression.

A rule tree is plain JSON, the shape the admin form stores:

    {"match": "all" | "any",
     "rules": [{"field": "lifetime_value", "operator": "gte", "value": "50000"},
               {"match": "any", "rules": [...]}]}

A rule on the stored giving summary is a condition on the donor's summary row (a join on the
donor's key: one row per donor); every other rule becomes `id IN (SELECT donor_id ...)` (or NOT IN)
over donations, recurring donations, tags or invitations, so a whole segment is evaluated by the
database as a single query: counting 100,000 donors never loads one into Python. IN rather than a correlated
EXISTS because the database runs an uncorrelated subquery once and hashes it, under AND, OR and NOT
alike; EXISTS under OR is re-run for every donor (measured in bench/bench_segments.py: seconds at
1,000,000 donations, where IN takes milliseconds).

Lifetime value, first and last gift, membership, monthly amount and tenure read the per-donor
summary (crm_donorgiving, kept by triggers) instead of aggregating 1,000,000 donations per count;
like the donor listing, its gift figures are succeeded gifts in JPY, lifetime value net of refunds.
"Gave in year" still reads the donations (a year in the middle of someone's giving is not in the
summary), through the index of succeeded gift dates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.donors.models import Donor
from crm.segments.compilers import (
    _COMPILERS,
    MEMBERSHIP_VALUES,
    MONTH_OPERATORS,
    NEWSLETTER_VALUES,
    TIERS,
    SegmentRuleError,
)

__all__ = [
    "FIELDS",
    "MEMBERSHIP_VALUES",
    "NEWSLETTER_VALUES",
    "OPERATOR_LABELS",
    "TIERS",
    "FieldSpec",
    "SegmentRuleError",
    "compile_rule",
    "compile_tree",
    "donors_matching",
    "field_choices",
    "operator_choices",
    "tree_from_stream",
]


@dataclass(frozen=True)
class FieldSpec:
    label: Any
    operators: tuple[str, ...]
    help: Any = ""


OPERATOR_LABELS: dict[str, Any] = {
    "is": _("is"),
    "is_not": _("is not"),
    "gte": _("at least"),
    "lte": _("at most"),
    "between": _("between (value and second value)"),
    "before": _("before"),
    "after": _("on or after"),
    "within_days": _("within the last N days"),
    "within_months": _("within the last N months"),
    "within_next_months": _("within the next N months"),
    "months_ago_or_more": _("N months ago or earlier"),
    "in_month": _("in the month (YYYY-MM)"),
    "gave": _("gave in year"),
    "did_not_give": _("did not give in year"),
    "last_year_not_this_year": _("gave last year, not this year"),
    "gave_in_x_not_y": _("gave in year (value), not in year (second value)"),
    "some_year_not_this_year": _("gave in some earlier year, not this year"),
    "has_any": _("has any of"),
    "has_none": _("has none of"),
    "any": _("has any"),
    "none": _("has none"),
}


DATE_HELP = _("A date as 2026-04-01, a number of months, or a month as 2026-04")

FIELDS: dict[str, FieldSpec] = {
    "membership": FieldSpec(
        _("Monthly membership"),
        ("is", "is_not"),
        _("member, past_due, paused, former (cancelled, not a member now), never"),
    ),
    "monthly_amount": FieldSpec(
        _("Monthly amount (JPY)"),
        ("gte", "lte", "between"),
        _("Sum of active monthly gifts; yearly gifts count as a twelfth."),
    ),
    "tier": FieldSpec(_("Monthly tier"), ("is", "is_not"), _("1000, 5000 or 10000")),
    "tenure_months": FieldSpec(_("Member for (months)"), ("gte", "lte")),
    "member_since": FieldSpec(
        _("Monthly member since"), MONTH_OPERATORS, _("A number of months, or a month as 2026-04")
    ),
    "first_gift": FieldSpec(
        _("First gift date"), ("before", "after", "between", *MONTH_OPERATORS), DATE_HELP
    ),
    "last_gift": FieldSpec(
        _("Last gift date"), ("before", "after", "between", "within_days", *MONTH_OPERATORS), DATE_HELP
    ),
    "joined": FieldSpec(
        _("Joined (added to the list)"), ("before", "after", "between", *MONTH_OPERATORS), DATE_HELP
    ),
    "gave_in_year": FieldSpec(_("Gave in year"), ("gave", "did_not_give"), _("e.g. 2024")),
    "lapsed": FieldSpec(
        _("Lapsed"), ("last_year_not_this_year", "gave_in_x_not_y", "some_year_not_this_year")
    ),
    "lifetime_value": FieldSpec(_("Lifetime value (JPY)"), ("gte", "lte", "between")),
    "language": FieldSpec(_("Language"), ("is", "is_not"), _("ja or en")),
    "tag": FieldSpec(
        _("Tags"), ("has_any", "has_none"), _("Pick from the donors' tags; several separated by commas")
    ),
    "company": FieldSpec(_("Partner company"), ("is", "is_not", "any", "none"), _("Pick a partner company")),
    "newsletter": FieldSpec(
        _("Newsletter consent"),
        ("is", "is_not"),
        _("subscribed, unsubscribed, pending, cleaned, never (comma-separated)"),
    ),
    "attended_event": FieldSpec(_("Attended an event"), ("within_months",), _("Months, e.g. 12")),
    "card_expires": FieldSpec(
        _("Member's card expires"),
        ("within_next_months",),
        _("Months from now: 0 = this month, 1 = this month or next"),
    ),
    "facebook_group": FieldSpec(
        _("Facebook-group invitation"),
        ("is", "is_not"),
        _("An invitation status, or 'none' for never invited"),
    ),
}


def field_choices() -> list[tuple[str, Any]]:
    return [(k, spec.label) for k, spec in FIELDS.items()]


def operator_choices() -> list[tuple[str, Any]]:
    return list(OPERATOR_LABELS.items())


# --- one rule --------------------------------------------------------------------------------------


def compile_rule(rule: dict[str, Any], *, today: datetime.date | None = None) -> Q:
    field, op = rule.get("field"), rule.get("operator")
    spec = FIELDS.get(str(field))
    if spec is None:
        raise SegmentRuleError(_("Unknown field “%(field)s”.") % {"field": field})
    if op not in spec.operators:
        allowed = ", ".join(str(OPERATOR_LABELS[o]) for o in spec.operators)
        raise SegmentRuleError(
            _("“%(field)s” works with: %(allowed)s.") % {"field": spec.label, "allowed": allowed}
        )
    return _COMPILERS[str(field)](rule, op, op == "is_not", today or timezone.localdate())


# --- trees -----------------------------------------------------------------------------------------


def compile_tree(tree: dict[str, Any], *, today: datetime.date | None = None) -> Q:
    """An all/any group of rules and nested groups -> Q. An empty group matches everyone."""
    match = tree.get("match", "all")
    if match not in {"all", "any"}:
        raise SegmentRuleError(_("A group matches “all” or “any” of its rules."))
    parts = []
    for item in tree.get("rules", []):
        if "rules" in item:
            parts.append(compile_tree(item, today=today))
        else:
            parts.append(compile_rule(item, today=today))
    if not parts:
        return Q()
    combined = parts[0]
    for part in parts[1:]:
        combined = (combined & part) if match == "all" else (combined | part)
    return combined


def donors_matching(tree: dict[str, Any], *, today: datetime.date | None = None):
    """The donors a rule tree selects (never erased ones), as one lazy QuerySet."""
    return Donor.objects.filter(erased_at__isnull=True).filter(compile_tree(tree, today=today))


def tree_from_stream(match: str, stream_data: list[dict[str, Any]]) -> dict[str, Any]:
    """The admin's StreamField data (rule and group blocks) -> a plain rule tree."""
    rules: list[dict[str, Any]] = []
    for block in stream_data or []:
        kind, value = block.get("type"), block.get("value") or {}
        if kind == "rule":
            rules.append(_rule_from_block(value))
        elif kind == "group":
            items = [
                i.get("value", i) if isinstance(i, dict) and "type" in i else i
                for i in value.get("rules", [])
            ]
            rules.append({"match": value.get("match", "all"), "rules": [_rule_from_block(i) for i in items]})
    return {"match": match or "all", "rules": rules}


def _rule_from_block(value: dict[str, Any]) -> dict[str, Any]:
    return {k: value.get(k, "") for k in ("field", "operator", "value", "value2")}
