"""The rule rows of the segment form: StreamField blocks, so fundraisers build rules without code."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from crm.segments.rules import SegmentRuleError, compile_rule, field_choices, operator_choices

MATCH_CHOICES = [("all", _("all of these rules (AND)")), ("any", _("any of these rules (OR)"))]


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

    def clean(self, value):
        value = super().clean(value)
        try:
            compile_rule(dict(value))
        except SegmentRuleError as exc:
            raise StructBlockValidationError(block_errors={"value": ValidationError(str(exc))}) from exc
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
