"""One compiler per segment field: (rule, operator, negated?, today) -> a Q over donors.

A rule on the stored giving summary (one row per donor) is a condition on the joined summary row;
every other rule becomes `id IN (SELECT donor_id ...)` (or NOT IN) over donations, recurring
donations, tags or invitations. crm.segments.rules checks the field and operator and combines the
rules into trees (its docstring says why IN rather than EXISTS).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.community.models import FacebookGroupInvitation
from crm.donors.models import TaggedDonor
from crm.giving.models import Donation, RecurringDonation
from crm.interactions.models import Interaction
from crm.payments.models import PaymentCard


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


_MONTH = re.compile(r"^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?\s*$")


def _month(value: Any) -> tuple[datetime.datetime, datetime.datetime]:
    """ "2026-04", "2026/4" or 「2026年4月」 -> the month's first moment and the next month's, in Tokyo."""
    text = str(value or "").translate(_FULL_WIDTH)
    found = _MONTH.match(text)
    if not found or not 1 <= int(found[2]) <= 12:
        raise SegmentRuleError(_("Months are written YYYY-MM, got “%(value)s”.") % {"value": value})
    year, month = _bounded(int(found[1]), 1900, 2200, _("Year")), int(found[2])
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return _start_of(first), _start_of(following)


# Japanese keyboards type full-width digits (２０２６年４月).
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／", "0123456789-/")


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


def _giving(**filters: Any) -> Q:
    """A condition on the donor's own giving summary: a join on the donor's key (one row per donor,
    so nothing is counted twice), not `id IN (SELECT donor_id FROM crm_donorgiving ...)`.

    On the joined row PostgreSQL can test the condition while it walks the summary's indexes: a
    report lists donors by lifetime value, and reads its first page along crm_giving_lifetime_idx
    instead of hashing every match and sorting it (SYBUNT's page: 405 -> 140 ms of database CPU
    at 100,000 donors, bench/bench_reports.py).
    Negated, Django keeps a donor without a summary row matching, as NOT IN did.
    """
    return Q(**{f"giving__{name}": value for name, value in filters.items()})


def _monthly_between(low: int | None, high: int | None) -> Q:
    """Members whose active gifts add up to low..high a month (a yearly gift counts as a twelfth)."""
    filters: dict[str, Any] = {"is_member": True}
    if low is not None:
        filters["monthly_amount__gte"] = low
    if high is not None:
        filters["monthly_amount__lte"] = high
    return _giving(**filters)


def _lifetime_between(low: int | None, high: int | None) -> Q:
    """Lifetime value in JPY, net of refunds; a donor who never gave has 0, so "at most" includes them."""
    filters: dict[str, Any] = {}
    if low is not None and low > 0:
        filters["lifetime_value__gte"] = low
    if high is not None:
        filters["lifetime_value__lte"] = high
    return _giving(**filters) if filters else Q()


def _last_gift_between(start: datetime.datetime, end: datetime.datetime) -> Q:
    return _giving(last_gift_at__gte=start, last_gift_at__lt=end)


def _gave_in_x_not_y(gave: int, not_gave: int) -> Q:
    """Gave in year `gave`, not in year `not_gave`.

    When the later year is the one without gifts, a last gift inside `gave` settles it from the
    summary alone (nothing came after it). Only donors whose last gift is later than `gave` but not
    in `not_gave` (a gift dated in a future year; a gap year between the two) need the donations;
    the database evaluates those subqueries only if such a donor exists, so the usual "gave last
    year, not this year" costs one pass over the summaries.
    """
    gave_range, not_gave_range = _year_range(gave), _year_range(not_gave)
    if gave >= not_gave:
        return _gave_between(*gave_range) & ~_gave_between(*not_gave_range)
    # Usually no donor (for last year / this year: a last gift dated next year or later). The gifts
    # are matched on the summary row these donors have, so the whole rule is tested on that row.
    later = _giving(last_gift_at__gte=gave_range[1]) & ~_giving(
        last_gift_at__gte=not_gave_range[0], last_gift_at__lt=not_gave_range[1]
    )
    exact = _summary_gave_between(*gave_range) & ~_summary_gave_between(*not_gave_range)
    return _last_gift_between(*gave_range) | (later & exact)


def _gave_between(start: datetime.datetime, end: datetime.datetime) -> Q:
    return _donors_in(_gifts(received_at__gte=start, received_at__lt=end))


def _summary_gave_between(start: datetime.datetime, end: datetime.datetime) -> Q:
    """`_gave_between` keyed on the joined summary row, for rules that require that row anyway (a
    condition on it): PostgreSQL then tests the whole rule on the summary while it walks its index,
    where a test on the donor's key made it join and sort every match (bench/bench_reports.py)."""
    return Q(giving__pk__in=_gifts(received_at__gte=start, received_at__lt=end).order_by().values("donor_id"))


MONTH_OPERATORS = ("within_months", "months_ago_or_more", "in_month")


def _by_month(column: str, rule: dict[str, Any], op: str, today: datetime.date) -> dict[str, Any]:
    """Filters on a date column for the month-based operators.

    "Within the last N months" starts on the same day N months ago (31 March minus one month is
    the last day of February), at midnight in Tokyo; "N months ago or earlier" is everything before
    that moment; "in month" is the calendar month in Japan time.
    """
    if op == "in_month":
        start, end = _one(rule, _month)
        return {f"{column}__gte": start, f"{column}__lt": end}
    months = _bounded(_one(rule, _int), 0, 1200, _("Months"))
    cutoff = _start_of(_months_before(today, months))
    return {f"{column}__gte": cutoff} if op == "within_months" else {f"{column}__lt": cutoff}


def _two(rule: dict[str, Any], parse: Callable[[Any], Any]) -> tuple[Any, Any]:
    if rule.get("value") in (None, "") or rule.get("value2") in (None, ""):
        raise SegmentRuleError(_("“between” needs a value and a second value."))
    return parse(rule["value"]), parse(rule["value2"])


def _one(rule: dict[str, Any], parse: Callable[[Any], Any] = str) -> Any:
    if rule.get("value") in (None, ""):
        raise SegmentRuleError(_("This rule needs a value."))
    return parse(rule["value"])


# --- one compiler per field: (rule, operator, negated?, today) -> Q over donors ----------------------


def _membership(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    value = _one(rule).lower()
    if value == "member":
        q = _giving(is_member=True)
    elif value in {"past_due", "paused"}:
        q = _donors_in(_recurring(status=value))
    elif value == "former":
        q = _donors_in(_recurring(status="canceled")) & ~_giving(is_member=True)
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
        return _giving(is_member=True, member_since__lt=cutoff + datetime.timedelta(days=1))
    return _giving(is_member=True, member_since__gte=cutoff)


def _first_gift(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    if op in MONTH_OPERATORS:
        return _giving(**_by_month("first_gift_at", rule, op, today))
    if op == "between":
        start, end = _two(rule, _date)
        return _giving(
            first_gift_at__gte=_start_of(start),
            first_gift_at__lt=_start_of(end + datetime.timedelta(days=1)),
        )
    day = _start_of(_one(rule, _date))
    if op == "before":
        return _giving(first_gift_at__lt=day)
    return _giving(first_gift_at__gte=day)


def _last_gift(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    if op in MONTH_OPERATORS:
        # "Gave before N months ago" is the last gift before the cutoff: nothing since then.
        return _giving(**_by_month("last_gift_at", rule, op, today))
    if op == "between":
        start, end = _two(rule, _date)
        return _last_gift_between(_start_of(start), _start_of(end + datetime.timedelta(days=1)))
    if op == "within_days":
        days = _bounded(_one(rule, _int), 0, 36500, _("Days"))
        return _giving(last_gift_at__gte=timezone.now() - datetime.timedelta(days=days))
    day = _start_of(_one(rule, _date))
    if op == "before":
        return _giving(last_gift_at__lt=day)
    return _giving(last_gift_at__gte=day)


def _joined(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    """When the donor was added to the CRM (a first gift, a sign-up, an import)."""
    if op in MONTH_OPERATORS:
        return Q(**_by_month("created_at", rule, op, today))
    if op == "between":
        start, end = _two(rule, _date)
        return Q(created_at__gte=_start_of(start), created_at__lt=_start_of(end + datetime.timedelta(days=1)))
    day = _start_of(_one(rule, _date))
    return Q(created_at__lt=day) if op == "before" else Q(created_at__gte=day)


def _member_since(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    """When a current member's earliest active monthly gift started (from the giving summary)."""
    return _giving(is_member=True, **_by_month("member_since", rule, op, today))


def _gave_in_year(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    q = _gave_between(*_year_range(_one(rule, _year)))
    return q if op == "gave" else ~q


def _attended_event(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    # Attendance is read from the donor's timeline (a check-in writes an "event" interaction, and so
    # can staff for an event outside the CRM), so segments need not import events, which use segments.
    months = _bounded(_one(rule, _int), 1, 1200, _("Months"))
    return _donors_in(Interaction.objects.event_attendances(since=_start_of(_months_before(today, months))))


def _card_expires(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    """Active members whose card (as Stripe last showed it) expires by the end of the month N months
    from now: 0 is this month, 1 this month or next. Their next renewal will fail without a new card."""
    months = _bounded(_one(rule, _int), 0, 120, _("Months"))
    now = today.year * 12 + today.month
    cards = PaymentCard.objects.annotate(expiry=F("exp_year") * 12 + F("exp_month")).filter(
        expiry__gte=now, expiry__lte=now + months
    )
    return Q(stripe_customer_id__in=cards.values("customer_id")) & _donors_in(_active_recurring())


def _lapsed(rule: dict[str, Any], op: str, negate: bool, today: datetime.date) -> Q:
    if op == "some_year_not_this_year":
        # SYBUNT: a first gift before this year (the stored summary), no gift this year.
        this_year = _year_range(today.year)
        return _giving(first_gift_at__lt=this_year[0]) & ~_summary_gave_between(*this_year)
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
    # The picker stores the company's id; a name typed by hand (Japanese or English) still works.
    q = (
        Q(company_id=_int(value))
        if value.isdigit()
        else Q(company__name__iexact=value) | Q(company__name_en__iexact=value)
    )
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
    "joined": _joined,
    "member_since": _member_since,
    "gave_in_year": _gave_in_year,
    "lapsed": _lapsed,
    "attended_event": _attended_event,
    "card_expires": _card_expires,
    "lifetime_value": _lifetime_value,
    "language": _language,
    "tag": _tag,
    "company": _company,
    "newsletter": _newsletter,
    "facebook_group": _facebook_group,
}


def _months_before(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
