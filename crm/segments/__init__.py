"""Saved donor segments: rule trees compiled to a single SQL query (see rules.py)."""

from crm.segments.rules import (
    FIELDS,
    SegmentRuleError,
    compile_rule,
    compile_tree,
    donors_matching,
    tree_from_stream,
)

__all__ = [
    "FIELDS",
    "SegmentRuleError",
    "compile_rule",
    "compile_tree",
    "donors_matching",
    "tree_from_stream",
]
