"""Recounting the stored giving summaries (crm_donorgiving) from donations and recurring donations.

The triggers in crm.giving.sql keep the summaries right as donations are written; this is the
set-based recount behind `manage.py rebuild_giving` (repair after a restore or a bulk fix with the
triggers disabled) and the first fill when the table is created.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from crm.giving import sql as giving_sql
from crm.giving.models import Donation


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
    return changed


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
    if giving_sql.GIVING_TABLE not in connection.introspection.table_names():
        return False  # migrated back before the table existed, or not migrated that far yet
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
