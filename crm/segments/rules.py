"""Segment rules -> one Django Q expression.

A rule tree is plain JSON, the shape the admin form stores:

    {"match": "all" | "any",
     "rules": [{"field": "lifetime_value", "operator": "gte", "value": "50000"},
               {"match": "any", "rules": [...]}]}

Every rule becomes `id IN (SELECT donor_id ...)` (or NOT IN) over the stored giving summaries,
donations, recurring donations, tags or invitations, so a whole segment is evaluated by the database
as a single query: counting 100,000 donors never loads one into Python. IN rather than a correlated
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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.community.models import FacebookGroupInvitation
from crm.donors.models import Donor, TaggedDonor
from crm.giving.models import Donation, DonorGiving, RecurringDonation
from crm.interactions.models import Interaction


class SegmentRuleError(ValueError):
    """A rule a fundraiser wrote that cannot be evaluated; the message is shown in the form."""


# The tiers on the donation page: ¥1,000, ¥5,000 and ¥10,000 a month.
TIERS: dict[str, tuple[int, int | None]] = {
    "1000": (1_000, 4_999),
    "5000": (5_000, 9_999),
    "10000": (10_000, None),
}

MEMBERSHIP_VALUES = ("member", "past_due", "paused", "former", "never")
NEWSLETTER_VALUES = ("subscribed", "unsubscribed", "pending", "cleaned", "never")


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
    "first_gift": FieldSpec(_("First gift date"), ("before", "after", "between"), _("YYYY-MM-DD")),
    "last_gift": FieldSpec(
        _("Last gift date"), ("before", "after", "between", "within_days"), _("YYYY-MM-DD")
    ),
    "gave_in_year": FieldSpec(_("Gave in year"), ("gave", "did_not_give"), _("e.g. 2024")),
    "lapsed": FieldSpec(
        _("Lapsed"), ("last_year_not_this_year", "gave_in_x_not_y", "some_year_not_this_year")
    ),
    "lifetime_value": FieldSpec(_("Lifetime value (JPY)"), ("gte", "lte", "between")),
    "language": FieldSpec(_("Language"), ("is", "is_not"), _("ja or en")),
    "tag": FieldSpec(_("Tags"), ("has_any", "has_none"), _("Comma-separated tag names")),
    "company": FieldSpec(_("Partner company"), ("is", "is_not", "any", "none"), _("Company name or id")),
    "newsletter": FieldSpec(
        _("Newsletter consent"),
        ("is", "is_not"),
        _("subscribed, unsubscribed, pending, cleaned, never (comma-separated)"),
    ),
    "attended_event": FieldSpec(_("Attended an event"), ("within_months",), _("Months, e.g. 12")),
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


# --- value parsing ---------------------------------------------------------------------------------


# Amounts, days and years all fit a 32-bit integer column; a bigger number would fail in the database
# (out of range) instead of in the form.
MAX_NUMBER = 2_000_000_000


def _int(value: Any, what: str = "value") -> int:
    try:
        number = int(str(value).replace(",", "").replace("¥", "").replace("￥", "").strip())
    except (TypeError, ValueError):
        raise SegmentRuleError(
            _("%(what)s must be a whole number, got “%(value)s”.") % {"what": what, "value": value}
        ) from None
    if not 0 <= number <= MAX_NUMBER:
        raise SegmentRuleError(
            _("%(what)s must be between 0 and %(max)s, got “%(value)s”.")
            % {"what": what, "max": f"{MAX_NUMBER:,}", "value": value}
        )
    return number


def _bounded(number: int, low: int, high: int, what: Any) -> int:
    if not low <= number <= high:
        raise SegmentRuleError(
            _("%(what)s must be between %(low)s and %(high)s.") % {"what": what, "low": low, "high": high}
        )
    return number


def _year(value: Any) -> int:
    return _bounded(_int(value, str(_("Year"))), 1900, 2200, _("Year"))


def _date(value: Any) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise SegmentRuleError(
            _("Dates are written YYYY-MM-DD, got “%(value)s”.") % {"value": value}
        ) from None


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight in the site's time zone (Tokyo), so "2024-01-01" means the Japanese calendar day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _year_range(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    return _start_of(datetime.date(year, 1, 1)), _start_of(datetime.date(year + 1, 1, 1))


def _words(value: Any) -> list[str]:
    return [w.strip() for w in str(value or "").split(",") if w.strip()]


# --- subqueries ------------------------------------------------------------------------------------


def _donors_in(rows: QuerySet, column: str = "donor_id") -> Q:
    return Q(pk__in=rows.order_by().values(column))


def _gifts(**filters: Any) -> QuerySet:
    return Donation.objects.filter(status=Donation.Status.SUCCEEDED, **filters)


def _recurring(**filters: Any) -> QuerySet:
    return RecurringDonation.objects.filter(**filters)


def _active_recurring(**filters: Any) -> QuerySet:
    return _recurring(status="active", **filters)


def _giving(**filters: Any) -> QuerySet:
    return DonorGiving.objects.filter(**filters)


def _monthly_between(low: int | None, high: int | None) -> Q:
    """Members whose active gifts add up to low..high a month (a yearly gift counts as a twelfth)."""
    filters: dict[str, Any] = {"is_member": True}
    if low is not None:
        filters["monthly_amount__gte"] = low
    if high is not None:
        filters["monthly_amount__lte"] = high
    return _donors_in(_giving(**filters))


def _lifetime_between(low: int | None, high: int | None) -> Q:
    """Lifetime value in JPY, net of refunds; a donor who never gave has 0, so "at most" includes them."""
    filters: dict[str, Any] = {}
    if low is not None and low > 0:
        filters["lifetime_value__gte"] = low
    if high is not None:
        filters["lifetime_value__lte"] = high
    return _donors_in(_giving(**filters)) if filters else Q()


def _last_gift_between(start: datetime.datetime, end: datetime.datetime) -> Q:
    return _donors_in(_giving(last_gift_at__gte=start, last_gift_at__lt=end))


def _gave_in_x_not_y(gave: int, not_gave: int) -> Q:
    """Gave in year `gave`, not in year `not_gave`.

    When the later year is the one without gifts, a last gift inside `gave` settles it from the
    summary alone (nothing came after it). Only donors whose last gift is later than `gave` but not
    in `not_gave` (a gift dated in a future year; a gap year between the two) need the donations;
    the database evaluates those subqueries only if such a donor exists, so the usual "gave last
    year, not this year" costs one pass over the summaries.
    """
    gave_range, not_gave_range = _year_range(gave), _year_range(not_gave)
    exact = _gave_between(*gave_range) & ~_gave_between(*not_gave_range)
    if gave >= not_gave:
        return exact
    # One subquery, usually empty (for last year / this year: a last gift dated next year or later).
    later = _giving(last_gift_at__gte=gave_range[1]).exclude(
        last_gift_at__gte=not_gave_range[0], last_gift_at__lt=not_gave_range[1]
    )
    return _last_gift_between(*gave_range) | (_donors_in(later) & exact)


def _gave_between(start: datetime.datetime, end: datetime.datetime) -> Q:
    return _donors_in(_gifts(received_at__gte=start, received_at__lt=end))


def _two(rule: dict[str, Any], parse: Callable[[Any], Any]) -> tuple[Any, Any]:
    if rule.get("value") in (None, "") or rule.get("value2") in (None, ""):
        raise SegmentRuleError(_("“between” needs a value and a second value."))
    return parse(rule["value"]), parse(rule["value2"])


def _one(rule: dict[str, Any], parse: Callable[[Any], Any] = str) -> Any:
    if rule.get("value") in (None, ""):
        raise SegmentRuleError(_("This rule needs a value."))
    return parse(rule["value"])


# --- one rule --------------------------------------------------------------------------------------


# --- one compiler per field: (rule, operator, negated?, today) -> Q over donors ----------------------


def _membership(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    value = _one(rule).lower()
    if value == "member":
        q = _donors_in(_giving(is_member=True))
    elif value in {"past_due", "paused"}:
        q = _donors_in(_recurring(status=value))
    elif value == "former":
        q = _donors_in(_recurring(status="canceled")) & ~_donors_in(_giving(is_member=True))
    elif value == "never":
        q = ~_donors_in(_recurring().exclude(status="incomplete"))
    else:
        raise SegmentRuleError(
            _("Membership is one of: %(values)s.") % {"values": ", ".join(MEMBERSHIP_VALUES)}
        )
    return ~q if negate else q


def _monthly_amount(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    if op == "between":
        low, high = _two(rule, _int)
        return _monthly_between(low, high)
    amount = _one(rule, _int)
    return _monthly_between(amount, None) if op == "gte" else _monthly_between(None, amount)


def _tier(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    tier = _one(rule).replace(",", "").replace("¥", "").strip()
    if tier not in TIERS:
        raise SegmentRuleError(_("Tier is one of: %(values)s.") % {"values": ", ".join(TIERS)})
    q = _monthly_between(*TIERS[tier])
    return ~q if negate else q


def _tenure_months(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    months = _bounded(_one(rule, _int), 0, 1200, _("Months"))
    cutoff = _start_of(_months_before(today, months))
    # member_since: when the earliest of the donor's active monthly gifts started.
    if op == "gte":
        return _donors_in(_giving(is_member=True, member_since__lt=cutoff + datetime.timedelta(days=1)))
    return _donors_in(_giving(is_member=True, member_since__gte=cutoff))


def _first_gift(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    if op == "between":
        start, end = _two(rule, _date)
        return _donors_in(
            _giving(
                first_gift_at__gte=_start_of(start),
                first_gift_at__lt=_start_of(end + datetime.timedelta(days=1)),
            )
        )
    day = _start_of(_one(rule, _date))
    if op == "before":
        return _donors_in(_giving(first_gift_at__lt=day))
    return _donors_in(_giving(first_gift_at__gte=day))


def _last_gift(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    if op == "between":
        start, end = _two(rule, _date)
        return _last_gift_between(_start_of(start), _start_of(end + datetime.timedelta(days=1)))
    if op == "within_days":
        days = _bounded(_one(rule, _int), 0, 36500, _("Days"))
        return _donors_in(_giving(last_gift_at__gte=timezone.now() - datetime.timedelta(days=days)))
    day = _start_of(_one(rule, _date))
    if op == "before":
        return _donors_in(_giving(last_gift_at__lt=day))
    return _donors_in(_giving(last_gift_at__gte=day))


def _gave_in_year(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    q = _gave_between(*_year_range(_one(rule, _year)))
    return q if op == "gave" else ~q


def _attended_event(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    # Attendance is read from the donor's timeline (a check-in writes an "event" interaction, and so
    # can staff for an event outside the CRM), so segments need not import events, which use segments.
    months = _bounded(_one(rule, _int), 1, 1200, _("Months"))
    since = _start_of(_months_before(today, months))
    attended = Interaction.objects.filter(kind=Interaction.Kind.EVENT, happened_at__gte=since)
    return _donors_in(attended)


def _lapsed(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    if op == "some_year_not_this_year":
        # SYBUNT: a first gift before this year (the stored summary), no gift this year.
        this_year = _year_range(today.year)
        return _donors_in(_giving(first_gift_at__lt=this_year[0])) & ~_gave_between(*this_year)
    if op == "last_year_not_this_year":
        gave, not_gave = today.year - 1, today.year
    else:
        gave, not_gave = _two(rule, _year)
    return _gave_in_x_not_y(gave, not_gave)


def _lifetime_value(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    if op == "between":
        low, high = _two(rule, _int)
        return _lifetime_between(low, high)
    amount = _one(rule, _int)
    return _lifetime_between(amount, None) if op == "gte" else _lifetime_between(None, amount)


def _language(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    language = _one(rule).lower()
    if language not in {"ja", "en"}:
        raise SegmentRuleError(_("Language is ja or en."))
    q = Q(preferred_language=language)
    return ~q if negate else q


def _tag(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    names = _words(_one(rule))
    q = _donors_in(TaggedDonor.objects.filter(tag__name__in=names), "content_object_id")
    return q if op == "has_any" else ~q


def _company(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    if op == "any":
        return Q(company__isnull=False)
    if op == "none":
        return Q(company__isnull=True)
    value = _one(rule).strip()
    q = Q(company_id=_int(value)) if value.isdigit() else Q(company__name__iexact=value)
    return (~q | Q(company__isnull=True)) if negate else q


def _newsletter(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    statuses = [s.lower() for s in _words(_one(rule))]
    unknown = set(statuses) - set(NEWSLETTER_VALUES)
    if unknown:
        raise SegmentRuleError(
            _("Newsletter consent is one of: %(values)s.") % {"values": ", ".join(NEWSLETTER_VALUES)}
        )
    q = Q(newsletter_status__in=statuses)
    return ~q if negate else q


def _facebook_group(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    model = FacebookGroupInvitation
    statuses = [s.lower() for s in _words(_one(rule))]
    known = {str(v) for v in model.Status.values}
    if set(statuses) - known - {"none"}:
        raise SegmentRuleError(
            _("Invitation status is one of: %(values)s.") % {"values": ", ".join([*sorted(known), "none"])}
        )
    q = Q()
    if "none" in statuses:
        q |= ~_donors_in(model.objects.all())
    others = [s for s in statuses if s != "none"]
    if others:
        q |= _donors_in(model.objects.filter(status__in=others))
    return ~q if negate else q


_COMPILERS: dict[str, Callable[[dict[str, Any], str, bool, datetime.date], Q]] = {
    "membership": _membership,
    "monthly_amount": _monthly_amount,
    "tier": _tier,
    "tenure_months": _tenure_months,
    "first_gift": _first_gift,
    "last_gift": _last_gift,
    "gave_in_year": _gave_in_year,
    "lapsed": _lapsed,
    "attended_event": _attended_event,
    "lifetime_value": _lifetime_value,
    "language": _language,
    "tag": _tag,
    "company": _company,
    "newsletter": _newsletter,
    "facebook_group": _facebook_group,
}


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


def _months_before(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


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
