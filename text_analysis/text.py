"""Whole texts into index keys: tokens(), index-time analyze(), query-time analyze_query(), the
sentence cut and caches that keep re-indexing cheap, and the vocabulary collected while indexing.

Index and query go through the same tokens() so they always agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from sudachipy import SplitMode

from text_analysis.readings import _proper_noun_romaji, _reading_of, _readings
from text_analysis.words import (
    _LATIN_LETTERS,
    _NON_WORD,
    _POSSESSIVE,
    _SENTENCE_END,
    MAX_QUERY_CHARS,
    MAX_QUERY_TOKENS,
    Token,
    _chunks,
    _is_function_word,
    _key,
    _tokenizer,
    normalize_text,
)


def tokens(text: str, *, compounds: bool = True) -> Iterator[Token]:
    """Analyse `text` into tokens, in order, with offsets into `text`.

    With `compounds` (index time) a compound yields its whole form and its parts; without it
    (query time) only the finest parts, which the index always holds.
    """
    if not text:
        return
    tokenizer = _tokenizer()
    for offset, piece in _chunks(text):
        for morpheme in tokenizer.tokenize(piece):
            if _is_function_word(morpheme):
                continue
            begin, end = offset + morpheme.begin(), offset + morpheme.end()
            parts = morpheme.split(SplitMode.A)
            if compounds or not parts:
                key = _key(morpheme)
                if key:
                    yield Token(key, begin, end)
                if compounds:
                    # Place and person names written in kanji are also found by their romaji:
                    # yokohama finds 横浜 on the Japanese site.
                    for romaji in _proper_noun_romaji(morpheme):
                        yield Token(romaji, begin, end)
                    reading = _reading_of(morpheme, key)
                    if reading:
                        yield Token(reading, begin, end, reading=True)
            if len(parts) > 1:
                for part in parts:
                    key = _key(part)
                    if key:
                        yield Token(key, offset + part.begin(), offset + part.end())
                        reading = _reading_of(part, key) if compounds else ""
                        if reading:
                            yield Token(reading, offset + part.begin(), offset + part.end(), reading=True)


def analyze(text: str, *, readings: bool = False) -> str:
    """Index-time analysis: the normalised tokens of `text`, space-separated.

    With `readings`, words written in kanji also get their reading in hiragana and in romaji
    (山田 -> 山田 やまだ yamada), so people's names are found however they are typed: that is
    what the CRM's donor search wants; the public site leaves it off to keep ranking precise.
    """
    if not text:
        return ""
    collected = _collected_vocabulary.get()
    keys: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if collected is None:
            keys.extend(
                _sentence_keys(sentence)
                if len(sentence) <= _CACHED_SENTENCE_CHARS
                else (token.key for token in tokens(sentence))
            )
            continue
        found = sentence_tokens(sentence)
        keys.extend(token.key for token in found)
        collected.update(_vocabulary_entries(sentence, found))
    if readings:
        seen = set(keys)
        keys.extend(key for key in dict.fromkeys(_readings(text)) if key not in seen)
    return " ".join(keys)


# Longer "sentences" (text without punctuation) are analysed but not kept in the cache.
_CACHED_SENTENCE_CHARS = 1000


@lru_cache(maxsize=8192)
def _sentence_keys(sentence: str) -> tuple[str, ...]:
    # Stories repeat sentences (boilerplate, quotes, translations side by side), and a rebuild
    # analyses every story again: each distinct sentence goes through Sudachi once per process.
    return tuple(token.key for token in tokens(sentence))


# --- vocabulary: the words the index holds, for reading and spelling correction of queries ------

# While set (search.vocabulary.recording(), around an index update), analyze() counts here the
# (term, written form) pairs of what it indexes: readings with the word they read, and Latin words.
_collected_vocabulary: ContextVar[Counter | None] = ContextVar("collected_vocabulary", default=None)
# Latin words shorter than this are never corrected, nor offered as corrections.
_MIN_VOCABULARY_LATIN = 4


@contextmanager
def collecting_vocabulary() -> Iterator[Counter]:
    """Count the vocabulary of every text analyze() indexes inside the block."""
    collected: Counter = Counter()
    reset = _collected_vocabulary.set(collected)
    try:
        yield collected
    finally:
        _collected_vocabulary.reset(reset)


def _vocabulary_entries(sentence: str, found: tuple[Token, ...]) -> Iterator[tuple[str, str]]:
    for token in found:
        if token.reading:
            yield token.key, normalize_text(sentence[token.begin : token.end])
            continue
        word = _NON_WORD.sub("", _POSSESSIVE.sub("", normalize_text(sentence[token.begin : token.end])))
        if len(word) >= _MIN_VOCABULARY_LATIN and _LATIN_LETTERS.match(word):
            yield word, word


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) pieces of `text`, cut where no word can span (see _SENTENCE_END)."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            yield start, text[start : match.start()]
        start = max(start, match.end())
    if start < len(text):
        yield start, text[start:]


def sentence_tokens(sentence: str) -> tuple[Token, ...]:
    """tokens(sentence), kept for sentences seen before (excerpts analyse the same stories again)."""
    if len(sentence) > _CACHED_SENTENCE_CHARS:
        return tuple(tokens(sentence))
    return _cached_sentence_tokens(sentence)


@lru_cache(maxsize=8192)
def _cached_sentence_tokens(sentence: str) -> tuple[Token, ...]:
    return tuple(tokens(sentence))


def analyze_query(text: str) -> str:
    """Query-time analysis: a visitor's input, truncated, as normalised tokens (no duplicates)."""
    if not text:
        return ""
    return _analyze_query(text[:MAX_QUERY_CHARS])


@lru_cache(maxsize=1024)
def _analyze_query(text: str) -> str:
    # One search analyses its query several times (site_search, the backend, the "any word"
    # fallback, highlighting); popular queries repeat across visitors.
    seen: dict[str, None] = {}
    for token in tokens(text, compounds=False):
        seen.setdefault(token.key)
        if len(seen) >= MAX_QUERY_TOKENS:
            break
    return " ".join(seen)


def query_keys(text: str) -> frozenset[str]:
    """The set of keys a query matches, for highlighting."""
    keys = set(analyze_query(text).split())
    # Compound forms of the query also count (a query 避難民 highlights 避難民 as a whole).
    keys.update(token.key for token in tokens(text[:MAX_QUERY_CHARS]))
    return frozenset(keys)
