"""Text analysis shared by every search path: the database backend, Elasticsearch, highlighting and
the CRM's donor search.

SQLite FTS5 and PostgreSQL's text search split text on spaces and punctuation, which leaves a
Japanese sentence as one giant "word". So we do the linguistics here, in Python, and hand the
stock full-text engines space-separated, normalised tokens:

- Japanese is split by SudachiPy (core dictionary) into words. Each word is indexed under its
  normalised dictionary form (受けた -> 受ける, サーバ -> サーバー), and compounds are indexed
  both whole and as their parts (避難民 -> 避難民 避 難民), so a query for either finds them.
- Katakana words lose their trailing long-vowel marks (サーバー and サーバ both become サーバ),
  for words Sudachi's dictionary doesn't know.
- Everything is NFKC-normalised (full-width ＡＢＣ and half-width ｶﾀｶﾅ fold) and lower-cased.
- Latin words are stemmed with the Snowball English stemmer (refugees -> refuge).
- Particles, auxiliary verbs, punctuation and a few English function words are dropped: they
  would make AND queries fail for no reason and carry no meaning for ranking.

Index and query go through the same `tokens()` so they always agree.
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
            if len(parts) > 1:
                for part in parts:
                    key = _key(part)
                    if key:
                        yield Token(key, offset + part.begin(), offset + part.end())


def analyze(text: str, *, readings: bool = False) -> str:
    """Index-time analysis: the normalised tokens of `text`, space-separated.

    With `readings`, words written in kanji also get their reading in hiragana and in romaji
    (山田 -> 山田 やまだ yamada), so people's names are found however they are typed: that is
    what the CRM's donor search wants; the public site leaves it off to keep ranking precise.
    """
    if not text:
        return ""
    keys = [
        key
        for sentence in _SENTENCE_END.split(text)
        for key in (
            _sentence_keys(sentence)
            if len(sentence) <= _CACHED_SENTENCE_CHARS
            else (token.key for token in tokens(sentence))
        )
    ]
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


# --- readings (for names) ----------------------------------------------------------------------

_ROMAJI = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o",
    "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to",
    "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no",
    "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he", "ホ": "ho",
    "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo",
    "ヤ": "ya", "ユ": "yu", "ヨ": "yo",
    "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヰ": "i", "ヱ": "e", "ヲ": "o", "ン": "n",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo",
    "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do",
    "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po",
    "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o", "ヴ": "vu",
}  # fmt: skip
_SHORT_VOWELS = re.compile(r"([aiueo])(?:u|\1)(?![aiueo])")
_YOON = {"ャ": "a", "ュ": "u", "ョ": "o"}


def katakana_to_hiragana(text: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in text)


def katakana_to_romaji(text: str) -> str:
    """Hepburn romaji without macrons, as names are written on passports (ヤマダ -> yamada, オオノ -> oono)."""
    out: list[str] = []
    double_next = False
    for ch in text:
        if ch == "ッ":
            double_next = True
            continue
        if ch in _YOON and out and len(out[-1]) >= 2 and out[-1].endswith("i"):
            stem = out[-1][:-1]
            out[-1] = (stem if stem.endswith(("sh", "ch", "j")) else stem + "y") + _YOON[ch]
            continue
        if ch == "ー":
            continue
        romaji = _ROMAJI.get(ch)
        if romaji is None:
            continue
        if double_next:
            romaji = ("t" if romaji.startswith("ch") else romaji[0]) + romaji
            double_next = False
        out.append(romaji)
    return "".join(out)


def _romaji_keys(reading: str) -> Iterator[str]:
    romaji = katakana_to_romaji(reading)
    # Names are often written without long vowels on cards and passports: satou / sato.
    for variant in dict.fromkeys((romaji, _SHORT_VOWELS.sub(r"\1", romaji))):
        key = normalize_word(variant)
        if key:
            yield key


def _proper_noun_romaji(morpheme) -> Iterator[str]:
    if morpheme.part_of_speech()[1] != "固有名詞" or not _HAS_KANJI.search(morpheme.surface()):
        return
    reading = morpheme.reading_form()
    if reading and _KATAKANA_WORD.match(reading):
        yield from _romaji_keys(reading)


def _readings(text: str) -> Iterator[str]:
    for morpheme in _tokenizer().tokenize(text[:_CHUNK_CHARS]):
        surface = morpheme.surface()
        if _is_function_word(morpheme) or not _HAS_KANJI.search(surface):
            continue
        reading = morpheme.reading_form()
        if reading and _KATAKANA_WORD.match(reading):
            yield katakana_to_hiragana(reading)
            # Through normalize_word, so it matches a romaji query the way the query is analysed.
            yield from _romaji_keys(reading)


def reading(text: str) -> str:
    """The katakana reading of `text` as the dictionary reads it: 山田太郎 -> ヤマダタロウ.

    Words the dictionary has no reading for, and Latin letters, are kept as written (NFKC, lower
    case). The CRM builds its donors' kana and romaji search keys from this.
    """
    if not text:
        return ""
    out: list[str] = []
    for morpheme in _tokenizer().tokenize(normalize_text(text)[:_CHUNK_CHARS]):
        surface, kana = morpheme.surface(), morpheme.reading_form()
        spoken = morpheme.part_of_speech()[0] not in ("補助記号", "空白") and not _LATIN_WORD.match(surface)
        out.append(kana if spoken and kana and _KATAKANA_WORD.match(kana) else surface)
    return "".join(out)
