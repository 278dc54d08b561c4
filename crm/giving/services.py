"""Recounting the stored giving summaries (crm_donorgiving) from donations and recurring donations.

The triggers in crm.giving.sql keep the summaries right as donations are written; this is the
set-based recount behind `manage.py rebuild_giving` (repair after a restore or a bulk fix with the
triggers disabled) and the first fill when the table is created.
"""

from __future__ import annotations

import datetime
import json
import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from crm.giving import income_sql
from crm.giving import sql as giving_sql
from crm.giving.models import DailyIncome, Donation


def giving_rebuild(*, donor_ids: Iterable[int] | None = None, using: str = DEFAULT_DB_ALIAS) -> int:
    """Give every donor (or those in `donor_ids`) a summary row and recount it.

    Returns the rows written: summaries that were missing plus those whose figures were wrong, so 0
    means the triggers had everything right.
    """
    connection = connections[using]
    vendor = connection.vendor
    ids = None if donor_ids is None else sorted({int(pk) for pk in donor_ids})
    changed = 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if ids is None:
            cursor.execute(giving_sql.missing_rows_sql())
        elif not ids:
            return 0
        elif vendor == "postgresql":
            cursor.execute(giving_sql.missing_rows_sql("d.id = ANY(%s)"), [ids])
        else:
            cursor.execute(
                giving_sql.missing_rows_sql("d.id IN (SELECT value FROM json_each(%s))"), [json.dumps(ids)]
            )
        changed += max(cursor.rowcount, 0)
        if vendor == "postgresql":
            if ids is None:
                for statement in giving_sql.PG_REBUILD_ALL:
                    cursor.execute(statement)
                    changed += max(cursor.rowcount, 0)
            else:
                for statement in giving_sql.PG_REBUILD_SOME:
                    cursor.execute(statement, [ids])
                    changed += cursor.fetchone()[0]
        else:
            where = "TRUE" if ids is None else "g.donor_id IN (SELECT value FROM json_each(%s))"
            params = [] if ids is None else [json.dumps(ids)]
            for statement in giving_sql.sqlite_rebuild(where):
                cursor.execute(statement, params or None)
                changed += max(cursor.rowcount, 0)
        if ids is None:
            changed += income_rebuild(using=using)
    return changed


def income_rebuild(*, day: datetime.date | None = None, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recount every day of crm_dailyincome (or one day) from the donations; returns the rows that
    were wrong (missing, different, or left over with money in them), so 0 means the triggers had it
    right.

    Compared in Python and written row by row where they differ: a few thousand days, and a repair
    that rewrote every row would hide whether anything was wrong. On PostgreSQL the table is locked
    against the triggers meanwhile, so a gift recorded during the recount waits, then adds itself.
    """
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {income_sql.INCOME_TABLE} IN SHARE ROW EXCLUSIVE MODE")
        stored_rows = DailyIncome.objects.using(using).all()
        if day is None:
            cursor.execute(income_sql.income_sums_sql(connection.vendor))
        else:
            # The day's gifts by their received_at index, not the whole table.
            tokyo = zoneinfo.ZoneInfo(income_sql.CALENDAR_TIME_ZONE)
            start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tokyo)
            cursor.execute(
                income_sql.income_sums_sql(connection.vendor, between=True),
                [
                    connection.ops.adapt_datetimefield_value(moment)
                    for moment in (start, start + datetime.timedelta(days=1))
                ],
            )
            stored_rows = stored_rows.filter(day=day)
        wanted = {
            (_as_day(on), currency, kind): (int(gross), int(refunded), int(gifts))
            for on, currency, kind, gross, refunded, gifts in cursor.fetchall()
        }
        stored = {(row.day, row.currency, row.kind): row for row in stored_rows}
        missing, different, wrong = [], [], 0
        for key, (gross, refunded, gifts) in wanted.items():
            row = stored.pop(key, None)
            if row is None:
                missing.append(
                    DailyIncome(
                        day=key[0], currency=key[1], kind=key[2], gross=gross, refunded=refunded, gifts=gifts
                    )
                )
            elif (row.gross, row.refunded, row.gifts) != (gross, refunded, gifts):
                row.gross, row.refunded, row.gifts = gross, refunded, gifts
                different.append(row)
        # Rows no gift is left in: those back at zero (every gift refunded away or moved) are just
        # tidied; money in them was wrong.
        wrong = sum(1 for row in stored.values() if (row.gross, row.refunded, row.gifts) != (0, 0, 0))
        DailyIncome.objects.using(using).bulk_create(missing, batch_size=1000)
        DailyIncome.objects.using(using).bulk_update(
            different, ["gross", "refunded", "gifts"], batch_size=1000
        )
        DailyIncome.objects.using(using).filter(pk__in=[row.pk for row in stored.values()]).delete()
    return len(missing) + len(different) + wrong


def _as_day(value: datetime.date | str) -> datetime.date:
    # SQLite's date() answers text.
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def giving_triggers_install(*, using: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        for statement in giving_sql.install_statements(connection.vendor):
            cursor.execute(statement)


def giving_triggers_uninstall(*, using: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        for statement in giving_sql.uninstall_statements(connection.vendor):
            cursor.execute(statement)


def giving_triggers_missing(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    connection = connections[using]
    vendor = connection.vendor
    names = giving_sql.trigger_names(vendor)
    param = names if vendor == "postgresql" else json.dumps(names)
    with connection.cursor() as cursor:
        cursor.execute(giving_sql.installed_triggers_sql(vendor), [param])
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in names if name not in present]


def giving_triggers_ensure(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Reinstall missing triggers and recount everything; True if they had to be put back."""
    connection = connections[using]
    if connection.vendor not in {"postgresql", "sqlite"}:
        return False
    tables = set(connection.introspection.table_names())
    if not {giving_sql.GIVING_TABLE, income_sql.INCOME_TABLE} <= tables:
        return False  # migrated back before the tables existed, or not migrated that far yet
    if not giving_triggers_missing(using=using):
        return False
    with transaction.atomic(using=using):
        giving_triggers_install(using=using)
        giving_rebuild(using=using)
    return True


@contextmanager
def giving_triggers_suspended(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Load in bulk without the triggers, then recount everyone once (seed data, big restores).

    Row triggers cost SQLite about as much again as the inserts themselves; one recount afterwards
    takes under a second for 20,000 donors. Only for loads nothing else writes to meanwhile: the
    triggers are dropped for every connection, and PostgreSQL locks the tables while they are.
    """
    giving_triggers_uninstall(using=using)
    try:
        yield
    finally:
        giving_triggers_install(using=using)
        giving_rebuild(using=using)


@transaction.atomic
def donation_record_by_hand(
    *, donor_id: int, amount: int, received_at: datetime.datetime, method: str
) -> Donation:
    """A gift the office received outside Stripe (a transfer, cash at an event), in yen.

    The stored giving summary follows by trigger, in this transaction.
    """
    return Donation.objects.create(
        donor_id=donor_id, amount=amount, currency="JPY", received_at=received_at, method=method
    )
