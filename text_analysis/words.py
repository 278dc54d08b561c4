"""One word at a time: the Sudachi dictionary and tokenizer, width/case folding, stemming and the
character classes the rest of text_analysis tests words against.

The bottom of the package: every other module of text_analysis imports from here, and this
module imports none of them, so the package has no import circles. Names with a leading
underscore are shared within the package only.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from sudachipy import Dictionary, SplitMode

# Sudachi refuses inputs above ~49 KB; long story bodies are analysed in pieces of this size,
# cut at sentence ends so words aren't split.
_CHUNK_CHARS = 4000
# A visitor's query is cut to this many characters before analysis: long enough for any real
# question, short enough that a pasted 10,000-character text stays cheap.
MAX_QUERY_CHARS = 200
# Upper bound of distinct tokens a query may produce (AND of 200 terms is never useful).
MAX_QUERY_TOKENS = 24

_DROPPED_POS = frozenset({"助詞", "助動詞", "補助記号", "空白"})
_LIGHT_VERBS = frozenset({"為る", "居る", "有る", "成る", "出来る"})
_ENGLISH_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "with",
    ]
)
_LATIN_WORD = re.compile(r"^[0-9a-z][0-9a-z'._-]*$")
_LATIN_LETTERS = re.compile(r"^[a-z]+$")
_POSSESSIVE = re.compile(r"['\u2019]s$")
_KANA_WORD = re.compile(r"^[\u3041-\u3096\u30a1-\u30faー]+$")
_HIRAGANA_WORD = re.compile(r"^[\u3041-\u3096ー]+$")
_KATAKANA_WORD = re.compile(r"^[\u30a0-\u30ffー]+$")
_HAS_KANJI = re.compile(r"[\u3400-\u9fff]")
# Characters that never belong inside a token: FTS syntax and punctuation. Stripping them keeps
# every token a plain word for FTS5 and tsquery whatever the visitor typed.
_NON_WORD = re.compile(r"[^\w\u30fc\u3005]+")
# Where index-time analysis may cut a text into independently analysed (and cached) sentences:
# after Japanese sentence ends, and after . ! ? followed by a space. No word spans these.
_SENTENCE_END = re.compile(r"(?<=[。！？\n])|(?<=[.!?])\s+")

_local = threading.local()


@dataclass(frozen=True, slots=True)
class Token:
    """One analysed word: `key` is what the index stores, begin/end locate it in the source text."""

    key: str
    begin: int
    end: int
    # The word's reading (see reading_key), indexed beside its written form so that a query
    # typed in kana or romaji meets it.
    reading: bool = False


@lru_cache(maxsize=1)
def _dictionary() -> Dictionary:
    return Dictionary(dict="core")


def _tokenizer():
    # Sudachi tokenizers keep per-call state; one per thread keeps gunicorn threads safe.
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        tokenizer = _local.tokenizer = _dictionary().tokenizer(mode=SplitMode.C)
    return tokenizer


def _stemmer():
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer


def normalize_text(text: str) -> str:
    """Width and case folding only: NFKC, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def fold_katakana(word: str) -> str:
    """サーバー -> サーバ: trailing long-vowel marks are spelling variation, not meaning."""
    if len(word) > 2 and _KATAKANA_WORD.match(word):
        stripped = word.rstrip("ー")
        return stripped if len(stripped) >= 2 else word
    return word


@lru_cache(maxsize=65536)
def normalize_word(word: str) -> str:
    """The index key of one already-split word."""
    word = _NON_WORD.sub("", normalize_text(word))
    if not word:
        return ""
    if _LATIN_WORD.match(word):
        if word in _ENGLISH_STOPWORDS:
            return ""
        return _stemmer().stemWord(word.strip("'._-"))
    return fold_katakana(word)


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, piece) pieces of at most _CHUNK_CHARS characters, cut at sentence ends."""
    start = 0
    while start < len(text):
        end = min(start + _CHUNK_CHARS, len(text))
        if end < len(text):
            window = text[start:end]
            cut = max(window.rfind("。"), window.rfind("\n"), window.rfind(". "), window.rfind(" "))
            if cut > _CHUNK_CHARS // 2:
                end = start + cut + 1
        yield start, text[start:end]
        start = end


def _is_function_word(morpheme) -> bool:
    pos = morpheme.part_of_speech()
    if pos[0] in _DROPPED_POS:
        return True
    # Light verbs turn 支援した into 支援 + する: dropping them lets 難民を支援した find 難民支援.
    return pos[1] == "非自立可能" and morpheme.normalized_form() in _LIGHT_VERBS


def _key(morpheme) -> str:
    surface = normalize_text(morpheme.surface())
    # Sudachi "normalises" Latin words into katakana loanwords (refugee -> レフュジー) but only
    # those in its dictionary; English text keeps its own spelling and gets stemmed instead.
    if _LATIN_WORD.match(surface):
        return normalize_word(surface)
    return normalize_word(morpheme.normalized_form())
