"""The rule rows of the segment form: StreamField blocks, so fundraisers build rules without code.

The segment form's page carries (`field_guide()`, as JSON) what fits each field, for the small script
crm/static/crm/segment_rules.js: the operator list narrows to the field, and the value box offers
the choice fields' values in the admin's language (「購読中」). Without the script every
operator is listed and the server says which ones fit; labels are accepted in Japanese or English
either way and stored as codes (crm.segments.values).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from crm.segments.rules import FIELDS, SegmentRuleError, compile_rule, field_choices, operator_choices
from crm.segments.values import unknown_values, value_as_codes, value_as_labels, value_choices

MATCH_CHOICES = [("all", _("all of these rules (AND)")), ("any", _("any of these rules (OR)"))]


def field_guide() -> dict[str, dict[str, list]]:
    """The operators and (code, label) values that fit each field, in the active language."""
    return {
        name: {
            "operators": list(spec.operators),
            "values": [[code, str(label)] for code, label in value_choices(name)],
        }
        for name, spec in FIELDS.items()
    }


class RuleBlock(blocks.StructBlock):
    field = blocks.ChoiceBlock(choices=field_choices, label=_("Field"))
    operator = blocks.ChoiceBlock(choices=operator_choices, label=_("Operator"))
    value = blocks.CharBlock(required=False, label=_("Value"))
    value2 = blocks.CharBlock(
        required=False, label=_("Second value"), help_text=_("For “between” and years.")
    )

    class Meta:
        icon = "filter"
        label = _("Rule")

    def get_form_state(self, value):
        # The saved codes read as the labels the fundraiser picked (購読中, not subscribed).
        state = super().get_form_state(value)
        state["value"] = value_as_labels(value.get("field") or "", state.get("value") or "")
        return state

    def clean(self, value):
        value = super().clean(value)
        field = value.get("field") or ""
        value["value"] = value_as_codes(field, value.get("value") or "")
        needs_value = value.get("operator") not in {"any", "none"}
        unknown = unknown_values(field, value["value"]) if needs_value else []
        if unknown:
            # A tag or company nobody has would silently select nobody (or everybody, under "none of").
            message = _("“%(value)s” is not in the list. Choose from: %(values)s.") % {
                "value": unknown[0],
                "values": ", ".join(str(label) for _code, label in value_choices(field)[:30]),
            }
            raise StructBlockValidationError(block_errors={"value": ValidationError(message)})
        try:
            compile_rule(dict(value))
        except SegmentRuleError as exc:
            choices = value_choices(field)
            operator_fits = field in FIELDS and value.get("operator") in FIELDS[field].operators
            message = (
                _("Choose from: %(values)s.") % {"values": ", ".join(str(label) for _code, label in choices)}
                if choices and operator_fits
                else str(exc)
            )
            raise StructBlockValidationError(block_errors={"value": ValidationError(message)}) from exc
        return value


class GroupBlock(blocks.StructBlock):
    match = blocks.ChoiceBlock(choices=MATCH_CHOICES, default="any", label=_("Match"))
    rules = blocks.ListBlock(RuleBlock(), label=_("Rules"))

    class Meta:
        icon = "list-ul"
        label = _("Group of rules")


class SegmentRulesBlock(blocks.StreamBlock):
    rule = RuleBlock()
    group = GroupBlock()
