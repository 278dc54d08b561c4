"""The index's vocabulary (search.models.IndexedWord): kept in step as pages are indexed, and
read by query analysis to turn kana and romaji into indexed readings and to correct typos.

Every backend (SQLite, PostgreSQL, Elasticsearch) records here what its index holds, so a query
is read and corrected the same way whichever is configured. Words are added as pages are
indexed and never taken away one by one (a page losing a word leaves it here until the next
`update_index`, which rebuilds the vocabulary with the index): a stale word can only make a
correction find nothing, which the search page treats as no correction.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.db import connections, router
from django.db.models import Max

from search.models import IndexedWord
from text_analysis import (
    EMPTY_VOCABULARY,
    QueryPlan,
    Vocabulary,
    collecting_vocabulary,
    query_plan,
)

# How long a process trusts its copy of the vocabulary before asking the database whether
# words were added (by another process: the task worker indexes, web processes search).
CHECK_SECONDS = 2.0
# Rows per INSERT when recording.
_BATCH = 500

_lock = threading.Lock()
_state: dict = {"checked": 0.0, "version": None, "vocabulary": EMPTY_VOCABULARY}


@contextmanager
def recording(*, index: str) -> Iterator[None]:
    """Record the vocabulary of everything analysed for `index` inside the block."""
    with collecting_vocabulary() as collected:
        yield
    if collected:
        record(collected, index=index)


def record(counts: Counter, *, index: str) -> None:
    """Add (term, written) -> occurrences to the vocabulary of `index`."""
    table = IndexedWord._meta.db_table
    rows = [(index, term[:100], written[:100], count) for (term, written), count in counts.items()]
    connection = connections[router.db_for_write(IndexedWord)]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            cursor.execute(
                f'INSERT INTO {table} ("index", term, written, occurrences) VALUES '
                + ", ".join(["(%s, %s, %s, %s)"] * len(batch))
                + ' ON CONFLICT ("index", term, written) DO UPDATE'
                f" SET occurrences = {table}.occurrences + excluded.occurrences",
                [value for row in batch for value in row],
            )
    forget()


def clear(*, index: str) -> None:
    """Forget the vocabulary of `index` (its rebuild starts)."""
    IndexedWord.objects.filter(index=index).delete()
    forget()


def forget() -> None:
    """Make this process read the vocabulary again at its next query (whatever the largest id:
    a rolled-back write can leave the same one behind)."""
    _state["checked"] = 0.0
    _state["version"] = None


def current() -> Vocabulary:
    """The vocabulary as of at most CHECK_SECONDS ago (one cheap query to check, a full read
    only when words were added or removed)."""
    now = time.monotonic()
    if now - _state["checked"] < CHECK_SECONDS:
        return _state["vocabulary"]
    with _lock:
        # New words get new ids (ids are never reused), so the largest id tells whether to reload.
        version = IndexedWord.objects.aggregate(version=Max("id"))["version"]
        if version is None or version != _state["version"]:
            _state["vocabulary"] = _load()
            _state["version"] = version
            _plan.cache_clear()
        _state["checked"] = now
    return _state["vocabulary"]


def _load() -> Vocabulary:
    readings: dict[str, tuple[int, str]] = {}
    words: Counter = Counter()
    for term, written, occurrences in IndexedWord.objects.values_list("term", "written", "occurrences"):
        if term == written and term.isascii():
            words[term] += occurrences
            continue
        # A reading keeps the form it is written in most often (しゅろ: 就労, not しゅうろう).
        best = readings.get(term)
        if best is None or (occurrences, written) > best:
            readings[term] = (occurrences, written)
    return Vocabulary(
        readings={term: written for term, (_count, written) in readings.items()}, words=dict(words)
    )


def plan(text: str, *, prefix: bool = False) -> QueryPlan:
    """text_analysis.query_plan against the current vocabulary (cached per query)."""
    return _plan(text, prefix, current())


@lru_cache(maxsize=1024)
def _plan(text: str, prefix: bool, vocabulary: Vocabulary) -> QueryPlan:
    return query_plan(text, vocabulary, prefix=prefix)
