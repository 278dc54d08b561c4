"""Erasure's sweep: the donor's name, reading, email, phone and address leave every table.

Copies of a person's details end up far from the donor row: Stripe event payloads, task arguments
and results, import previews, audit-log labels, Mailchimp errors, receipts made out to them. Rather
than trust every feature to remember its copies, the sweep looks in every text and JSON column of
every table for the donor's distinctive values (email, phone, full name, full reading, street
address, Stripe customer id) and, in each row found, replaces every one of their personal values
(also single name parts, postal code) with ERASED. Tables left alone: the donor row itself (blanked
field by field), staff accounts (a staff member's own login is not the donor record), and Wagtail
pages and revisions (published content is the editors' to change).

Kept records stay: a receipt keeps its number, amount and date, and its "made out to" becomes
ERASED (see docs/operations.md, "Erasure").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from wagtail.models import Page, Revision

from crm.donors.models import Donor

ERASED = "[erased]"
#: Shorter values are not searched for on their own (a two-character family name is in many rows).
MIN_FIND_LENGTH = 6


@dataclass(frozen=True)
class Traces:
    """What identifies the person: `find` locates rows anywhere; `scrub` is removed from those rows."""

    find: tuple[str, ...]
    scrub: tuple[str, ...]


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def phone_forms(phone: str) -> set[str]:
    """A Japanese number as people and services write it: 090-1234-5678 here, +81 90-1234-5678 or
    +819012345678 at Stripe (E.164), 09012345678 in an import. Either way round."""
    phone = phone.strip()
    digits = _digits(phone)
    if len(digits) < 8:
        return {phone} if phone else set()
    if phone.startswith("+81") or (digits.startswith("81") and not digits.startswith("0")):
        national = "0" + digits[2:]
        written = "0" + re.sub(r"^\+?81[\s-]*", "", phone)
    else:
        national, written = digits, phone
    rest, rest_written = national[1:], written[1:]
    return {
        phone,
        national,
        written,
        f"+81{rest}",
        f"81{rest}",
        f"+81 {rest_written}",
        f"+81-{rest_written}",
        f"+81{rest_written}",
    }


def donor_traces(donor: Donor) -> Traces:
    """The donor's values, read before erasure blanks them."""
    family, given = donor.family_name or "", donor.given_name or ""
    kana_family, kana_given = donor.family_name_kana or "", donor.given_name_kana or ""
    phone = donor.phone or ""
    find = {
        donor.email or "",
        *phone_forms(phone),
        donor.stripe_customer_id or "",
        donor.address_line or "",
        donor.receipt_name or "",
    }
    for a, b in ((family, given), (kana_family, kana_given)):
        if a and b:
            find |= {f"{a} {b}", f"{a}{b}", f"{b} {a}", f"{a}\u3000{b}"}
    find = {value for value in find if len(value) >= MIN_FIND_LENGTH or ("@" in value)}
    scrub = set(find) | {
        value
        for value in (
            family,
            given,
            kana_family,
            kana_given,
            donor.postal_code or "",
            donor.company_role or "",
            donor.notes or "",
        )
        if len(value) >= 2
    }
    # Longest first, so "山田 太郎" goes whole before "山田" would leave " 太郎".
    return Traces(
        find=tuple(sorted(find, key=len, reverse=True)), scrub=tuple(sorted(scrub, key=len, reverse=True))
    )


def scrub_value(value: Any, needles: Iterable[str]) -> Any:
    """`value` (text, or JSON of dicts/lists) with each needle replaced by ERASED, case-insensitively."""
    if isinstance(value, str):
        for needle in needles:
            if needle.lower() in value.lower():
                value = re.sub(re.escape(needle), ERASED, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, list):
        return [scrub_value(item, needles) for item in value]
    if isinstance(value, dict):
        return {scrub_value(k, needles): scrub_value(v, needles) for k, v in value.items()}
    return value


def _skipped(model: type[models.Model]) -> bool:
    return (
        model._meta.proxy
        or not model._meta.managed
        or issubclass(model, (Donor, Page, Revision, get_user_model()))
    )


def _text_columns(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField, models.JSONField))
        and not field.primary_key
        and not field.choices
    ]


def _holding(field: models.Field, needles: Iterable[str]) -> Q:
    """Rows whose column holds a needle. JSON is searched as stored text (SQLite escapes non-ASCII)."""
    condition = Q()
    for needle in needles:
        if isinstance(field, models.JSONField):
            for form in {needle, json.dumps(needle)[1:-1]}:
                condition |= Q(**{f"_sweep_{field.attname}__icontains": form})
        else:
            condition |= Q(**{f"{field.attname}__icontains": needle})
    return condition


def sweep_traces(traces: Traces) -> dict[str, int]:
    """Scrub every row outside the skipped tables that holds one of the traces; returns rows per table."""
    if not traces.find:
        return {}
    changed: dict[str, int] = {}
    for model in apps.get_models():
        if _skipped(model):
            continue
        columns = _text_columns(model)
        if not columns:
            continue
        queryset = model._base_manager.all()
        condition = Q()
        for field in columns:
            if isinstance(field, models.JSONField):
                queryset = queryset.annotate(**{f"_sweep_{field.attname}": Cast(field.attname, TextField())})
            condition |= _holding(field, traces.find)
        for row in queryset.filter(condition).iterator():
            updates = {}
            for field in columns:
                before = getattr(row, field.attname)
                after = scrub_value(before, traces.scrub)
                if after != before:
                    updates[field.attname] = after[: field.max_length] if field.max_length else after
            if updates:
                model._base_manager.filter(pk=row.pk).update(**updates)
                changed[model._meta.label] = changed.get(model._meta.label, 0) + 1
    return changed
