"""Fast bulk writes for imports and synthetic data: SQL built once, rows sent with executemany.

Django's bulk_create/bulk_update compile every value of every row into SQL (bulk_update builds a
CASE expression per row and field); for 100,000 donors that costs more than the database work.
These helpers build the statement once. They skip save() and signals, so callers set what save()
would have set (search_text, timestamps) themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.db import connection

from text_analysis.names import normalise_text, search_haystack


class RawInsert:
    """INSERT rows of one model; columns the caller doesn't give get the field's default."""

    def __init__(self, model, fields: list[str]):
        concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
        by_attname = {f.attname: f for f in concrete}
        unknown = set(fields) - by_attname.keys()
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        self.defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in concrete}
        self.attnames = [f.attname for f in concrete]
        self.positions = [fields.index(a) if a in fields else None for a in self.attnames]
        self.adapt = connection.ops.adapt_datetimefield_value
        self.datetimes = {
            i for i, a in enumerate(fields) if by_attname[a].get_internal_type() == "DateTimeField"
        }
        qn = connection.ops.quote_name
        columns = ", ".join(qn(by_attname[a].column) for a in self.attnames)
        placeholders = ", ".join(["%s"] * len(self.attnames))
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
        self.copy_sql = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"

    def __call__(self, rows: list[tuple]) -> None:
        if not rows:
            return
        adapt, datetimes = self.adapt, self.datetimes
        # Timestamps repeat (one "now" per batch, gifts on the same days): adapt each value once.
        adapted: dict = {}

        def adapt_once(value):
            try:
                return adapted[value]
            except KeyError:
                adapted[value] = result = adapt(value)
                return result

        pick = [(p, self.defaults[a]) for p, a in zip(self.positions, self.attnames, strict=True)]
        prepared = []
        for row in rows:
            if datetimes:
                row = [adapt_once(v) if i in datetimes else v for i, v in enumerate(row)]
            prepared.append([row[p] if p is not None else default for p, default in pick])
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # executemany is one round trip per row on PostgreSQL; COPY streams them all.
                # wrap_database_errors turns a unique violation into Django's IntegrityError.
                with connection.wrap_database_errors, cursor.cursor.copy(self.copy_sql) as copy:
                    for row in prepared:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, prepared)


def raw_update(model, fields: list[str], rows: list[tuple]) -> None:
    """UPDATE by primary key: each row is (*values in `fields` order, pk). Datetimes are adapted."""
    if not rows:
        return
    meta = model._meta
    qn = connection.ops.quote_name
    targets = [meta.get_field(f) for f in fields]
    datetimes = {i for i, f in enumerate(targets) if f.get_internal_type() == "DateTimeField"}
    adapt = connection.ops.adapt_datetimefield_value
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in targets)
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(meta.pk.column)} = %s"
    prepared = [[adapt(v) if i in datetimes else v for i, v in enumerate(row)] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


@lru_cache(maxsize=20_000)
def _name_haystack(family: str, given: str, family_kana: str, given_kana: str) -> tuple[str, frozenset[str]]:
    names = search_haystack(names=[family, given], kana=[family_kana, given_kana], email=None)
    return names, frozenset(names.split(" | "))


def fast_search_text(donor) -> str:
    """Donor.build_search_text(), with the slow name readings computed once per distinct name.

    Names repeat a lot in donor lists. The result must equal build_search_text();
    tests/crm/test_commands_seed.py and tests/crm/test_import_service.py check that it does.
    """
    names, pieces = _name_haystack(
        donor.family_name, donor.given_name, donor.family_name_kana, donor.given_name_kana
    )
    # search_haystack appends email then phone, each unless already there.
    parts = [names] if names else []
    if donor.email:
        email = normalise_text(donor.email)
        if email and email not in pieces:
            parts.append(email)
    if donor.phone:
        phone = normalise_text(donor.phone.replace("-", ""))
        if phone and phone not in pieces and phone not in parts[-1:]:
            parts.append(phone)
    return " | ".join(parts)


@contextmanager
def bulk_load_pragmas(*, cache_mb: int = 64) -> Iterator[None]:
    """SQLite settings for writing many rows at once, restored afterwards. No-op elsewhere.

    SQLite's default page cache is 2 MB: a bulk load touching the donor, donation and index pages
    (and the giving triggers' summary rows) evicts and rewrites the same pages over and over, and
    every WAL checkpoint (each 1,000 pages by default) syncs to disk. An INSERT that fires a trigger
    (crm_donorgiving's) keeps a statement journal, a temp file by default: in memory it costs no
    write() per row. A larger cache and rarer checkpoints keep the work in memory; durability is
    unchanged (WAL, synchronous=NORMAL).
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute("PRAGMA wal_autocheckpoint")
        (autocheckpoint,) = cursor.fetchone()
        cursor.execute("PRAGMA temp_store")
        (temp_store,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(cache_mb)}")
        cursor.execute("PRAGMA wal_autocheckpoint = 16384")
        # SQLite refuses to change it inside a transaction (a test's, or a caller's atomic block).
        in_transaction = connection.in_atomic_block
        if not in_transaction:
            cursor.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(autocheckpoint)}")
            if not in_transaction:
                cursor.execute(f"PRAGMA temp_store = {int(temp_store)}")
