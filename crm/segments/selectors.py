"""Read functions for the segment builder: how many donors the rules being built match now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crm.segments.blocks import MATCH_CHOICES, SegmentRulesBlock
from crm.segments.rules import SegmentRuleError, donors_matching, tree_from_stream

_RULES = SegmentRulesBlock(required=False)
_MATCHES = {code for code, _label in MATCH_CHOICES}


@dataclass(frozen=True)
class LiveCount:
    """The count for the rules in the form, or why it cannot be counted yet."""

    count: int | None
    problem: str = ""


def live_count(data: Any, *, prefix: str = "rules") -> LiveCount:
    """Count the donors matched by the rules in posted segment-form data (nothing is saved).

    The same StreamField block as the form reads and cleans the rows, so a label typed in Japanese
    counts exactly as it will once saved; a rule still half-written gives a problem, not a count.
    """
    match = data.get("match") or "all"
    if match not in _MATCHES:
        match = "all"
    try:
        stream = _RULES.clean(_RULES.value_from_datadict(data, {}, prefix))
        return LiveCount(donors_matching(tree_from_stream(match, stream.get_prep_value())).count())
    except ValidationError as exc:
        return LiveCount(
            None, _("The count appears when every rule is complete: %(problem)s") % {"problem": _first(exc)}
        )
    except SegmentRuleError as exc:
        return LiveCount(None, str(exc))


def _first(error: ValidationError) -> str:
    """The first message inside a block's nested errors (stream -> group -> rule -> value)."""
    nested = getattr(error, "block_errors", None)
    if nested:
        inner = next(iter(nested.values() if isinstance(nested, dict) else nested))
        if isinstance(inner, list):
            inner = inner[0]
        return _first(inner)
    non_block = getattr(error, "non_block_errors", None)
    if non_block:
        return str(non_block[0].messages[0] if hasattr(non_block[0], "messages") else non_block[0])
    return str(error.messages[0]) if error.messages else ""
