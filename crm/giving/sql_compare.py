"""NULL-safe tests that a trigger's old and new row differ in some columns, for the giving summary's
triggers (crm.giving.sql) and the daily income's (crm.giving.income_sql)."""

from __future__ import annotations


def changed(columns: tuple[str, ...], old: str = "o", new: str = "n") -> str:
    """Any of `columns` differs between two row aliases (NULL-safe)."""
    left = ", ".join(f"{old}.{c}" for c in columns)
    right = ", ".join(f"{new}.{c}" for c in columns)
    return f"({left}) IS DISTINCT FROM ({right})"


def sqlite_changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
