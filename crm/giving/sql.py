"""The SQL that keeps crm_donorgiving (a donor's lifetime value, gifts and membership) right.

The figures are kept by database triggers rather than by save() or signals, because donations are
written by many paths that never call save(): bulk_create and COPY (seed_crm, import_donors),
queryset.update() (a merge moves donations with one UPDATE), raw SQL. One module holds the SQL so
the migration that installs it, the post-migrate check that reinstalls it and the repair command
(`manage.py rebuild_giving`) cannot drift apart.

What counts, the same everywhere (querysets, segments, exports):
- lifetime_value: sum of amount - amount_refunded over succeeded gifts in JPY;
- gift_count, first_gift_at, last_gift_at: succeeded gifts in JPY (a gift in another currency is
  rare and was never part of these figures);
- is_member, member_since: active recurring donations, any currency;
- monthly_amount: active recurring donations in JPY, a yearly gift counting as amount / 12
  (integer division per gift, like RecurringDonationQuerySet.with_monthly_amount).

PostgreSQL: statement-level triggers with transition tables, so a bulk insert of 5,000 donations is
one set-based UPDATE, not 5,000. Inserted gifts are added (exact for inserts); updates and deletes
recount the donors they touched from their donations. SQLite: row triggers doing the same per row.
"""

from __future__ import annotations

from crm.giving import income_sql
from crm.giving.sql_compare import changed as _changed
from crm.giving.sql_compare import sqlite_changed as _sqlite_changed

GIVING_TABLE = "crm_donorgiving"

# Columns of a donor with no gifts and no membership.
ZERO_ROW = "lifetime_value, gift_count, first_gift_at, last_gift_at, is_member, member_since, monthly_amount"
ZERO_VALUES = "0, 0, NULL, NULL, FALSE, NULL, 0"

# The donation columns the figures read: an UPDATE touching none of them changes nothing.
_GIFT_COLUMNS = ("donor_id", "amount", "amount_refunded", "currency", "status", "received_at")
_RECURRING_COLUMNS = ("donor_id", "amount", "currency", '"interval"', "status", "started_at")


def _gift(alias: str = "") -> str:
    """A gift that counts: succeeded, in JPY."""
    p = f"{alias}." if alias else ""
    return f"{p}status = 'succeeded' AND {p}currency = 'JPY'"


def _monthly(alias: str = "") -> str:
    """An active recurring donation's share of the monthly amount: JPY only, yearly as a twelfth."""
    p = f"{alias}." if alias else ""
    return f"""CASE WHEN {p}currency = 'JPY' THEN CASE WHEN {p}"interval" = 'year' THEN {p}amount / 12 ELSE {p}amount END END"""


_GIFT = _gift()


# --- PostgreSQL ------------------------------------------------------------------------------------

# Recount the gift columns of the given donors from their donations. The rows are locked first:
# under READ COMMITTED each statement of a plpgsql function takes a new snapshot, so a concurrent
# transaction that added a gift to the same donor has committed (and is counted) by the time the
# recount reads the donations, instead of being overwritten by a stale total.
PG_RECOUNT_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION crm_giving_recount_gifts(donor_ids bigint[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    changed integer;
BEGIN
    IF donor_ids IS NULL OR cardinality(donor_ids) = 0 THEN
        RETURN 0;
    END IF;
    PERFORM 1 FROM {GIVING_TABLE} WHERE donor_id = ANY(donor_ids) ORDER BY donor_id FOR UPDATE;
    UPDATE {GIVING_TABLE} g
    SET lifetime_value = s.lifetime_value, gift_count = s.gift_count,
        first_gift_at = s.first_gift_at, last_gift_at = s.last_gift_at
    FROM (
        SELECT d.donor_id,
               COALESCE(SUM(x.amount - x.amount_refunded), 0) AS lifetime_value,
               COUNT(x.id) AS gift_count,
               MIN(x.received_at) AS first_gift_at,
               MAX(x.received_at) AS last_gift_at
        FROM (SELECT DISTINCT unnest(donor_ids) AS donor_id) d
        LEFT JOIN crm_donation x ON x.donor_id = d.donor_id AND {_gift("x")}
        GROUP BY d.donor_id
    ) s
    WHERE g.donor_id = s.donor_id
      AND (g.lifetime_value, g.gift_count, g.first_gift_at, g.last_gift_at)
          IS DISTINCT FROM (s.lifetime_value, s.gift_count, s.first_gift_at, s.last_gift_at);
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END $$;

CREATE OR REPLACE FUNCTION crm_giving_recount_membership(donor_ids bigint[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    changed integer;
BEGIN
    IF donor_ids IS NULL OR cardinality(donor_ids) = 0 THEN
        RETURN 0;
    END IF;
    PERFORM 1 FROM {GIVING_TABLE} WHERE donor_id = ANY(donor_ids) ORDER BY donor_id FOR UPDATE;
    UPDATE {GIVING_TABLE} g
    SET is_member = s.is_member, member_since = s.member_since, monthly_amount = s.monthly_amount
    FROM (
        SELECT d.donor_id,
               COUNT(r.id) > 0 AS is_member,
               MIN(r.started_at) AS member_since,
               COALESCE(SUM({_monthly("r")}), 0) AS monthly_amount
        FROM (SELECT DISTINCT unnest(donor_ids) AS donor_id) d
        LEFT JOIN crm_recurringdonation r ON r.donor_id = d.donor_id AND r.status = 'active'
        GROUP BY d.donor_id
    ) s
    WHERE g.donor_id = s.donor_id
      AND (g.is_member, g.member_since, g.monthly_amount)
          IS DISTINCT FROM (s.is_member, s.member_since, s.monthly_amount);
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END $$;
"""

# (name, table, event, referencing, body). A trigger with transition tables has exactly one event
# and no column list, hence one per INSERT / UPDATE / DELETE.
_PG_TRIGGERS: list[tuple[str, str, str, str, str]] = [
    (
        "crm_giving_donor_inserted",
        "crm_donor",
        "INSERT",
        "NEW TABLE AS new_rows",
        f"INSERT INTO {GIVING_TABLE} (donor_id, {ZERO_ROW})"
        f" SELECT id, {ZERO_VALUES} FROM new_rows ON CONFLICT (donor_id) DO NOTHING;",
    ),
    (
        # Adding gifts is exact without reading the donor's other donations: bulk loads stay cheap.
        "crm_giving_donation_inserted",
        "crm_donation",
        "INSERT",
        "NEW TABLE AS new_rows",
        f"""UPDATE {GIVING_TABLE} g
        SET lifetime_value = g.lifetime_value + s.total, gift_count = g.gift_count + s.gifts,
            first_gift_at = LEAST(g.first_gift_at, s.first_at),
            last_gift_at = GREATEST(g.last_gift_at, s.last_at)
        FROM (
            SELECT donor_id, SUM(amount - amount_refunded) AS total, COUNT(*) AS gifts,
                   MIN(received_at) AS first_at, MAX(received_at) AS last_at
            FROM new_rows WHERE {_GIFT} GROUP BY donor_id
        ) s
        WHERE g.donor_id = s.donor_id;""",
    ),
    (
        "crm_giving_donation_updated",
        "crm_donation",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        f"""PERFORM crm_giving_recount_gifts(ARRAY(
            SELECT DISTINCT u.donor_id
            FROM old_rows o JOIN new_rows n ON n.id = o.id,
                 LATERAL (VALUES (o.donor_id), (n.donor_id)) AS u(donor_id)
            WHERE {_changed(_GIFT_COLUMNS)}
              AND (({_gift("o")}) OR ({_gift("n")}))
        ));""",
    ),
    (
        "crm_giving_donation_deleted",
        "crm_donation",
        "DELETE",
        "OLD TABLE AS old_rows",
        f"PERFORM crm_giving_recount_gifts(ARRAY(SELECT DISTINCT donor_id FROM old_rows WHERE {_GIFT}));",
    ),
    (
        "crm_giving_recurring_inserted",
        "crm_recurringdonation",
        "INSERT",
        "NEW TABLE AS new_rows",
        "PERFORM crm_giving_recount_membership(ARRAY("
        "SELECT DISTINCT donor_id FROM new_rows WHERE status = 'active'));",
    ),
    (
        "crm_giving_recurring_updated",
        "crm_recurringdonation",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        f"""PERFORM crm_giving_recount_membership(ARRAY(
            SELECT DISTINCT u.donor_id
            FROM old_rows o JOIN new_rows n ON n.id = o.id,
                 LATERAL (VALUES (o.donor_id), (n.donor_id)) AS u(donor_id)
            WHERE {_changed(_RECURRING_COLUMNS)} AND (o.status = 'active' OR n.status = 'active')
        ));""",
    ),
    (
        "crm_giving_recurring_deleted",
        "crm_recurringdonation",
        "DELETE",
        "OLD TABLE AS old_rows",
        "PERFORM crm_giving_recount_membership(ARRAY("
        "SELECT DISTINCT donor_id FROM old_rows WHERE status = 'active'));",
    ),
    *income_sql.PG_TRIGGERS,
]

PG_TRIGGER_NAMES = [name for name, *_ in _PG_TRIGGERS]

# "Most recent first" with the never-gave (NULL) donors last, read straight off an index. The model's
# ascending indexes, read backwards, would put the NULLs first; SQLite has no NULLS LAST in indexes,
# hence PostgreSQL only, outside the model.
PG_INDEXES = {
    "crm_giving_last_gift_desc_idx": "(last_gift_at DESC NULLS LAST, donor_id DESC)",
    "crm_giving_member_since_desc_idx": "(member_since DESC NULLS LAST, donor_id DESC)",
}


def postgresql_install() -> list[str]:
    statements = [PG_RECOUNT_FUNCTIONS]
    for name, table, event, referencing, body in _PG_TRIGGERS:
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n    {body}\n    RETURN NULL;\nEND $$;"
        )
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
        )
    return statements


def postgresql_uninstall() -> list[str]:
    statements = []
    for name, table, *_ in _PG_TRIGGERS:
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
        statements.append(f"DROP FUNCTION IF EXISTS {name}();")
    statements.append("DROP FUNCTION IF EXISTS crm_giving_recount_gifts(bigint[]);")
    statements.append("DROP FUNCTION IF EXISTS crm_giving_recount_membership(bigint[]);")
    return statements


def index_statements(vendor: str) -> list[str]:
    """Indexes beyond the model's (created by the migration, not by the trigger check)."""
    if vendor != "postgresql":
        return []
    return [
        f"CREATE INDEX IF NOT EXISTS {name} ON {GIVING_TABLE} {columns};"
        for name, columns in PG_INDEXES.items()
    ]


def drop_index_statements(vendor: str) -> list[str]:
    if vendor != "postgresql":
        return []
    return [f"DROP INDEX IF EXISTS {name};" for name in PG_INDEXES]


# --- SQLite ----------------------------------------------------------------------------------------


def _sqlite_recount_gifts(where: str) -> str:
    gifts = f"FROM crm_donation x WHERE x.donor_id = {GIVING_TABLE}.donor_id AND {_gift('x')}"
    return f"""UPDATE {GIVING_TABLE} SET
        lifetime_value = COALESCE((SELECT SUM(x.amount - x.amount_refunded) {gifts}), 0),
        gift_count = (SELECT COUNT(*) {gifts}),
        first_gift_at = (SELECT MIN(x.received_at) {gifts}),
        last_gift_at = (SELECT MAX(x.received_at) {gifts})
    WHERE {where};"""


def _sqlite_recount_membership(where: str) -> str:
    active = (
        f"FROM crm_recurringdonation r WHERE r.donor_id = {GIVING_TABLE}.donor_id AND r.status = 'active'"
    )
    return f"""UPDATE {GIVING_TABLE} SET
        is_member = EXISTS (SELECT 1 {active}),
        member_since = (SELECT MIN(r.started_at) {active}),
        monthly_amount = COALESCE((SELECT SUM({_monthly("r")}) {active}), 0)
    WHERE {where};"""


def _sqlite_triggers() -> list[tuple[str, str]]:
    gift_columns = ", ".join(_GIFT_COLUMNS)
    recurring_columns = ", ".join(_RECURRING_COLUMNS)
    new_gift, old_gift = _gift("NEW"), _gift("OLD")
    return [
        (
            "crm_giving_donor_inserted",
            f"""AFTER INSERT ON crm_donor BEGIN
                INSERT OR IGNORE INTO {GIVING_TABLE} (donor_id, {ZERO_ROW}) VALUES (NEW.id, {ZERO_VALUES});
            END""",
        ),
        (
            # Added, not recounted: a bulk insert costs one indexed UPDATE per gift.
            # Datetimes are ISO text on SQLite, so min/max by text compare them in time order.
            "crm_giving_donation_inserted",
            f"""AFTER INSERT ON crm_donation WHEN {new_gift} BEGIN
                UPDATE {GIVING_TABLE} SET
                    lifetime_value = lifetime_value + NEW.amount - NEW.amount_refunded,
                    gift_count = gift_count + 1,
                    first_gift_at = CASE WHEN first_gift_at IS NULL OR NEW.received_at < first_gift_at
                                         THEN NEW.received_at ELSE first_gift_at END,
                    last_gift_at = CASE WHEN last_gift_at IS NULL OR NEW.received_at > last_gift_at
                                        THEN NEW.received_at ELSE last_gift_at END
                WHERE donor_id = NEW.donor_id;
            END""",
        ),
        (
            "crm_giving_donation_updated",
            f"""AFTER UPDATE OF {gift_columns} ON crm_donation
            WHEN ({_sqlite_changed(_GIFT_COLUMNS)}) AND (({old_gift}) OR ({new_gift})) BEGIN
                {_sqlite_recount_gifts("donor_id IN (OLD.donor_id, NEW.donor_id)")}
            END""",
        ),
        (
            "crm_giving_donation_deleted",
            f"""AFTER DELETE ON crm_donation WHEN {old_gift} BEGIN
                {_sqlite_recount_gifts("donor_id = OLD.donor_id")}
            END""",
        ),
        (
            "crm_giving_recurring_inserted",
            f"""AFTER INSERT ON crm_recurringdonation WHEN NEW.status = 'active' BEGIN
                {_sqlite_recount_membership("donor_id = NEW.donor_id")}
            END""",
        ),
        (
            "crm_giving_recurring_updated",
            f"""AFTER UPDATE OF {recurring_columns} ON crm_recurringdonation
            WHEN ({_sqlite_changed(_RECURRING_COLUMNS)}) AND (OLD.status = 'active' OR NEW.status = 'active')
            BEGIN
                {_sqlite_recount_membership("donor_id IN (OLD.donor_id, NEW.donor_id)")}
            END""",
        ),
        (
            "crm_giving_recurring_deleted",
            f"""AFTER DELETE ON crm_recurringdonation WHEN OLD.status = 'active' BEGIN
                {_sqlite_recount_membership("donor_id = OLD.donor_id")}
            END""",
        ),
        *income_sql.sqlite_triggers(),
    ]


SQLITE_TRIGGER_NAMES = [name for name, _ in _sqlite_triggers()]


def sqlite_install() -> list[str]:
    statements = []
    for name, definition in _sqlite_triggers():
        statements.append(f"DROP TRIGGER IF EXISTS {name};")
        statements.append(f"CREATE TRIGGER {name} {definition};")
    return statements


def sqlite_uninstall() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name};" for name in SQLITE_TRIGGER_NAMES]


# --- both ------------------------------------------------------------------------------------------


def install_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return postgresql_install()
    if vendor == "sqlite":
        return sqlite_install()
    raise NotImplementedError(f"no giving triggers for {vendor}")


def uninstall_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return postgresql_uninstall()
    if vendor == "sqlite":
        return sqlite_uninstall()
    raise NotImplementedError(f"no giving triggers for {vendor}")


def installed_triggers_sql(vendor: str) -> str:
    """A query for the names of triggers that exist; its one parameter is a list of names."""
    if vendor == "postgresql":
        return "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY(%s)"
    return (
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN (SELECT value FROM json_each(%s))"
    )


def trigger_names(vendor: str) -> list[str]:
    return PG_TRIGGER_NAMES if vendor == "postgresql" else SQLITE_TRIGGER_NAMES


# --- rebuild (repair, and the migration's first fill) -------------------------------------------


def missing_rows_sql(where: str = "TRUE") -> str:
    """Give every donor (matching `where` over alias d) a zero row if they have none."""
    return (
        f"INSERT INTO {GIVING_TABLE} (donor_id, {ZERO_ROW}) SELECT d.id, {ZERO_VALUES} FROM crm_donor d"
        f" WHERE ({where}) AND NOT EXISTS (SELECT 1 FROM {GIVING_TABLE} g WHERE g.donor_id = d.id)"
    )


# PostgreSQL, every donor: one pass over each table, grouped, joined to the giving rows.
PG_REBUILD_ALL = [
    f"""UPDATE {GIVING_TABLE} g
    SET lifetime_value = s.lifetime_value, gift_count = s.gift_count,
        first_gift_at = s.first_gift_at, last_gift_at = s.last_gift_at
    FROM (
        SELECT g2.donor_id, COALESCE(a.lifetime_value, 0) AS lifetime_value,
               COALESCE(a.gift_count, 0) AS gift_count, a.first_gift_at, a.last_gift_at
        FROM {GIVING_TABLE} g2 LEFT JOIN (
            SELECT donor_id, SUM(amount - amount_refunded) AS lifetime_value, COUNT(*) AS gift_count,
                   MIN(received_at) AS first_gift_at, MAX(received_at) AS last_gift_at
            FROM crm_donation WHERE {_GIFT} GROUP BY donor_id
        ) a ON a.donor_id = g2.donor_id
    ) s
    WHERE g.donor_id = s.donor_id
      AND (g.lifetime_value, g.gift_count, g.first_gift_at, g.last_gift_at)
          IS DISTINCT FROM (s.lifetime_value, s.gift_count, s.first_gift_at, s.last_gift_at)""",
    f"""UPDATE {GIVING_TABLE} g
    SET is_member = s.is_member, member_since = s.member_since, monthly_amount = s.monthly_amount
    FROM (
        SELECT g2.donor_id, a.donor_id IS NOT NULL AS is_member, a.member_since,
               COALESCE(a.monthly_amount, 0) AS monthly_amount
        FROM {GIVING_TABLE} g2 LEFT JOIN (
            SELECT donor_id, MIN(started_at) AS member_since, COALESCE(SUM({_monthly()}), 0) AS monthly_amount
            FROM crm_recurringdonation WHERE status = 'active' GROUP BY donor_id
        ) a ON a.donor_id = g2.donor_id
    ) s
    WHERE g.donor_id = s.donor_id
      AND (g.is_member, g.member_since, g.monthly_amount)
          IS DISTINCT FROM (s.is_member, s.member_since, s.monthly_amount)""",
]

# PostgreSQL, some donors (%s is an array of ids): the triggers' own recount; each returns rows changed.
PG_REBUILD_SOME = [
    "SELECT crm_giving_recount_gifts(%s::bigint[])",
    "SELECT crm_giving_recount_membership(%s::bigint[])",
]


def sqlite_rebuild(where: str) -> list[str]:
    """SQLite: recount the giving rows matching `where` (over alias g), writing only those that differ,
    so the row counts say how many were wrong."""
    t = GIVING_TABLE
    return [
        f"""UPDATE {t} SET lifetime_value = s.lifetime_value, gift_count = s.gift_count,
            first_gift_at = s.first_gift_at, last_gift_at = s.last_gift_at
        FROM (
            SELECT g.donor_id, COALESCE(SUM(x.amount - x.amount_refunded), 0) AS lifetime_value,
                   COUNT(x.id) AS gift_count, MIN(x.received_at) AS first_gift_at,
                   MAX(x.received_at) AS last_gift_at
            FROM {t} g LEFT JOIN crm_donation x ON x.donor_id = g.donor_id AND {_gift("x")}
            WHERE {where} GROUP BY g.donor_id
        ) s
        WHERE {t}.donor_id = s.donor_id
          AND ({t}.lifetime_value IS NOT s.lifetime_value OR {t}.gift_count IS NOT s.gift_count
               OR {t}.first_gift_at IS NOT s.first_gift_at OR {t}.last_gift_at IS NOT s.last_gift_at)""",
        f"""UPDATE {t} SET is_member = s.is_member, member_since = s.member_since,
            monthly_amount = s.monthly_amount
        FROM (
            SELECT g.donor_id, COUNT(r.id) > 0 AS is_member, MIN(r.started_at) AS member_since,
                   COALESCE(SUM({_monthly("r")}), 0) AS monthly_amount
            FROM {t} g LEFT JOIN crm_recurringdonation r ON r.donor_id = g.donor_id AND r.status = 'active'
            WHERE {where} GROUP BY g.donor_id
        ) s
        WHERE {t}.donor_id = s.donor_id
          AND ({t}.is_member IS NOT s.is_member OR {t}.member_since IS NOT s.member_since
               OR {t}.monthly_amount IS NOT s.monthly_amount)""",
    ]
