"""The SQL that keeps crm_dailyincome (money received per Tokyo day, currency and kind) right.

Triggers on crm_donation, installed, checked and removed with the giving summary's (crm.giving.sql
lists these with its own), for the same reason: donations are written by paths that never call
save(). The dashboard's income chart, month-so-far comparison and totals read these rows instead of
every gift (crm.reports.selectors.figures, crm.dashboard.selectors).
"""

from __future__ import annotations

from crm.giving.sql_compare import changed as _changed
from crm.giving.sql_compare import sqlite_changed as _sqlite_changed

# --- daily income (crm_dailyincome) ----------------------------------------------------------------
#
# Succeeded gifts summed by Tokyo calendar day, currency and kind. Every change is added as a signed
# delta (an insert adds a gift, a delete takes it away, an update takes the old row away and adds the
# new one), so no trigger reads other donations. The upsert keeps one row per day and kind: gifts
# written at once on the same day wait for each other's commit on that row, and the rows are taken
# in (day, currency, kind) order so two statements cannot wait for each other.

INCOME_TABLE = "crm_dailyincome"

# The NPO's calendar is Tokyo's (settings.TIME_ZONE, which the dashboard's months use too). Japan
# keeps no summer time, so on SQLite, which knows no time zones, a Tokyo day is nine hours on.
CALENDAR_TIME_ZONE = "Asia/Tokyo"
_SQLITE_CALENDAR_OFFSET = "+9 hours"

# The donation columns the sums read: an UPDATE touching none of them changes nothing.
_INCOME_COLUMNS = (
    "amount",
    "amount_refunded",
    "currency",
    "status",
    "received_at",
    "recurring_donation_id",
    "method",
)


def _income_kind(alias: str) -> str:
    """Monthly (and yearly) gifts, one-off bank transfers, other one-off gifts: the chart's series."""
    return (
        f"CASE WHEN {alias}.recurring_donation_id IS NOT NULL THEN 'monthly'"
        f" WHEN {alias}.method = 'bank_transfer' THEN 'bank_transfer' ELSE 'one_off' END"
    )


def _pg_income_rows(alias: str, sign: int) -> str:
    return (
        f"({alias}.received_at AT TIME ZONE '{CALENDAR_TIME_ZONE}')::date AS day, {alias}.currency,"
        f" {_income_kind(alias)} AS kind, {sign} * {alias}.amount AS gross,"
        f" {sign} * {alias}.amount_refunded AS refunded, {sign} AS gifts"
    )


def _pg_income_add(source: str) -> str:
    """Add the signed rows of `source` (day, currency, kind, gross, refunded, gifts) to the table."""
    t = INCOME_TABLE
    return f"""INSERT INTO {t} (day, currency, kind, gross, refunded, gifts)
        SELECT day, currency, kind, SUM(gross), SUM(refunded), SUM(gifts) FROM ({source}) s
        GROUP BY day, currency, kind ORDER BY day, currency, kind
        ON CONFLICT (day, currency, kind) DO UPDATE
        SET gross = {t}.gross + EXCLUDED.gross, refunded = {t}.refunded + EXCLUDED.refunded,
            gifts = {t}.gifts + EXCLUDED.gifts;"""


_PG_INCOME_CHANGED = f"FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {_changed(_INCOME_COLUMNS)}"


# --- PostgreSQL: statement triggers (name, table, event, referencing, body) ---------------------------

PG_TRIGGERS: list[tuple[str, str, str, str, str]] = [
    (
        "crm_income_donation_inserted",
        "crm_donation",
        "INSERT",
        "NEW TABLE AS new_rows",
        _pg_income_add(f"SELECT {_pg_income_rows('n', 1)} FROM new_rows n WHERE n.status = 'succeeded'"),
    ),
    (
        "crm_income_donation_updated",
        "crm_donation",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _pg_income_add(
            f"SELECT {_pg_income_rows('o', -1)} {_PG_INCOME_CHANGED} AND o.status = 'succeeded'"
            f" UNION ALL SELECT {_pg_income_rows('n', 1)} {_PG_INCOME_CHANGED} AND n.status = 'succeeded'"
        ),
    ),
    (
        "crm_income_donation_deleted",
        "crm_donation",
        "DELETE",
        "OLD TABLE AS old_rows",
        _pg_income_add(f"SELECT {_pg_income_rows('o', -1)} FROM old_rows o WHERE o.status = 'succeeded'"),
    ),
]


# --- SQLite: row triggers ------------------------------------------------------------------------


def _sqlite_income_add(row: str, when: str) -> str:
    """Add one gift (NEW) to its day's row. The WHERE is needed anyway: without one, SQLite would read
    ON CONFLICT as part of the SELECT's join."""
    t = INCOME_TABLE
    return f"""INSERT INTO {t} (day, currency, kind, gross, refunded, gifts)
        SELECT date({row}.received_at, '{_SQLITE_CALENDAR_OFFSET}'), {row}.currency, {_income_kind(row)},
               {row}.amount, {row}.amount_refunded, 1
        WHERE {when}
        ON CONFLICT (day, currency, kind) DO UPDATE
        SET gross = gross + excluded.gross, refunded = refunded + excluded.refunded,
            gifts = gifts + excluded.gifts;"""


def _sqlite_income_take(row: str, when: str) -> str:
    """Take one gift (OLD) away from its day's row, which it was added to. An UPDATE, not an upsert:
    a flush deletes the table before the donations (SQLite's flush is DELETE, which fires the
    triggers), and must not leave negative rows behind."""
    return f"""UPDATE {INCOME_TABLE}
        SET gross = gross - {row}.amount, refunded = refunded - {row}.amount_refunded, gifts = gifts - 1
        WHERE {when} AND day = date({row}.received_at, '{_SQLITE_CALENDAR_OFFSET}')
          AND currency = {row}.currency AND kind = {_income_kind(row)};"""


def sqlite_triggers() -> list[tuple[str, str]]:
    new_columns = ", ".join(_INCOME_COLUMNS)
    return [
        (
            "crm_income_donation_inserted",
            f"""AFTER INSERT ON crm_donation WHEN NEW.status = 'succeeded' BEGIN
                {_sqlite_income_add("NEW", "TRUE")}
            END""",
        ),
        (
            "crm_income_donation_updated",
            f"""AFTER UPDATE OF {new_columns} ON crm_donation
            WHEN ({_sqlite_changed(_INCOME_COLUMNS)}) AND (OLD.status = 'succeeded' OR NEW.status = 'succeeded')
            BEGIN
                {_sqlite_income_take("OLD", "OLD.status = 'succeeded'")}
                {_sqlite_income_add("NEW", "NEW.status = 'succeeded'")}
            END""",
        ),
        (
            "crm_income_donation_deleted",
            f"""AFTER DELETE ON crm_donation WHEN OLD.status = 'succeeded' BEGIN
                {_sqlite_income_take("OLD", "TRUE")}
            END""",
        ),
    ]


# --- recount ----------------------------------------------------------------------------------------


def income_sums_sql(vendor: str, *, between: bool = False) -> str:
    """What crm_dailyincome should hold, from the donations: day, currency, kind, gross, refunded,
    gifts. The day is computed as the triggers compute it, so a recount agrees with them exactly.
    With `between`, only gifts received from the first parameter up to the second (one day's)."""
    if vendor == "postgresql":
        day = f"(x.received_at AT TIME ZONE '{CALENDAR_TIME_ZONE}')::date"
    else:
        day = f"date(x.received_at, '{_SQLITE_CALENDAR_OFFSET}')"
    return (
        f"SELECT {day} AS day, x.currency, {_income_kind('x')} AS kind, SUM(x.amount),"
        f" SUM(x.amount_refunded), COUNT(*) FROM crm_donation x WHERE x.status = 'succeeded'"
        + (" AND x.received_at >= %s AND x.received_at < %s" if between else "")
        + " GROUP BY 1, 2, 3"
    )
