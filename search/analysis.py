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
- Nouns are also indexed under their folded reading (就労 -> しゅろ), and a query is planned per
  word (query_plan): kana and romaji read into indexed readings, English typos corrected against
  the index's vocabulary, demonyms related to their country (see "readings" below).

Index and query go through the same `tokens()` so they always agree.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache

import jaconv
import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA
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


# --- readings and spelling variants (issue 18) ---------------------------------------------------
#
# Every noun is indexed a second time under its reading, folded so that the ways people type a
# word in kana meet: 就労 also as しゅろ, アフガニスタン as あふがにすたん, コンピューター and
# コンピュータ both as こんぴゅた. A query typed in kana or romaji is read the same way and cut into
# readings the index holds (see QueryPlan). Folding is deliberately lossy (long vowels go): a kana
# query is already ambiguous between homophones, and these keys only ever serve kana and romaji
# queries; a query written in kanji still matches the written form alone.

_VOWELS = {
    "あ": "あかさたなはまやらわがざだばぱぁゃゎ",
    "い": "いきしちにひみりゐぎじぢびぴぃ",
    "う": "うくすつぬふむゆるぐずづぶぷぅゅゔ",
    "え": "えけせてねへめれゑげぜでべぺぇ",
    "お": "おこそとのほもよろをごぞどぼぽぉょ",
}
_VOWEL_OF = {kana: vowel for vowel, row in _VOWELS.items() for kana in row}
# ヴァ/バ, ヴェ/ベ…: the ヴ spellings of loanwords and their everyday バ-row forms.
_VU = (("ゔぁ", "ば"), ("ゔぃ", "び"), ("ゔぇ", "べ"), ("ゔぉ", "ぼ"), ("ゔ", "ぶ"))
# Small vowels read as full ones (ウィルス/ウイルス, ティ/テイ); ゃゅょっ stay: they change the word.
_SMALL_KANA = str.maketrans("ぁぃぅぇぉゕゖゎ", "あいうえおかけわ")
# Readings shorter than this are not indexed nor used to read a query: one kana matches anything.
_MIN_READING = 2


def reading_key(kana: str) -> str:
    """The folded hiragana form of a word read in kana: the key readings are indexed under.

    Katakana and hiragana, half width, ヴ spellings, small vowels, long vowels (ー, and a vowel
    repeating the one before: おう, えい, うう…) and ヤ after an イ-sound (ダイヤ/ダイア,
    エンジニヤ/エンジニア) all fold: プログラマー, ぷろぐらまあ and puroguramaa meet.
    """
    text = katakana_to_hiragana(normalize_text(kana))
    for written, folded in _VU:
        text = text.replace(written, folded)
    text = text.translate(_SMALL_KANA)
    out: list[str] = []
    for ch in text:
        vowel = _VOWEL_OF.get(out[-1]) if out else None
        if ch == "ー":
            continue
        if vowel is not None and (ch == vowel or (vowel, ch) in (("お", "う"), ("え", "い"))):
            continue
        if ch == "や" and vowel == "い":
            ch = "あ"
        out.append(ch)
    return "".join(out)


def _reading_of(morpheme, key: str) -> str:
    """The reading key of a noun ('' for other words, Latin words and one-kana readings)."""
    if morpheme.part_of_speech()[0] != "名詞" or _LATIN_WORD.match(key):
        return ""
    kana = morpheme.reading_form()
    if not kana or not _KATAKANA_WORD.match(kana):
        return ""
    reading = reading_key(kana)
    return reading if len(reading) >= _MIN_READING and reading != key else ""


def romaji_to_kana(word: str) -> str:
    """A Latin word read as romaji, in hiragana; '' when it can't be romaji.

    jaconv's alphabet2kana does the reading (Hepburn and kunrei: shuurou, syuurou, afuganisutan);
    pykakasi and cutlet only go from kana to romaji. It reads most letter strings somehow,
    turning stray consonants into っ (coup -> こうっ): a っ at either end or doubled means the
    word wasn't romaji. English words that still read (nurse -> ぬっせ) do no harm: a Latin word
    is only read when the index doesn't hold it as written, and its reading only counts when it
    cuts into readings the index holds.
    """
    if not _LATIN_LETTERS.match(word):
        return ""
    kana = jaconv.alphabet2kana(word)
    if not _HIRAGANA_WORD.match(kana) or kana.startswith("っ") or kana.endswith("っ") or "っっ" in kana:
        return ""
    return kana


# Demonyms and the countries they name, for "Syrian" to find a story that says Syria (and back).
# Stemming alone leaves them apart (syrian / syria). No kept library lists English demonyms;
# these are the countries people come to Japan from to seek asylum, and the stories' own.
DEMONYMS: dict[str, tuple[str, ...]] = {
    "afghan": ("afghanistan",),
    "bangladeshi": ("bangladesh",),
    "burmese": ("myanmar", "burma"),
    "cameroonian": ("cameroon",),
    "chinese": ("china",),
    "congolese": ("congo",),
    "eritrean": ("eritrea",),
    "ethiopian": ("ethiopia",),
    "iranian": ("iran",),
    "iraqi": ("iraq",),
    "kurdish": ("kurdistan",),
    "malaysian": ("malaysia",),
    "myanmarese": ("myanmar",),
    "nepali": ("nepal",),
    "nepalese": ("nepal",),
    "nigerian": ("nigeria",),
    "pakistani": ("pakistan",),
    "russian": ("russia",),
    "rwandan": ("rwanda",),
    "somali": ("somalia",),
    "sudanese": ("sudan",),
    "syrian": ("syria",),
    "turkish": ("turkey",),
    "ugandan": ("uganda",),
    "ukrainian": ("ukraine",),
    "vietnamese": ("vietnam",),
    "yemeni": ("yemen",),
}


@lru_cache(maxsize=1)
def _demonym_keys() -> dict[str, tuple[str, ...]]:
    """Index key -> index keys of the same place: syrian -> (syria,), syria -> (syrian,)."""
    related: dict[str, list[str]] = {}
    for demonym, countries in DEMONYMS.items():
        demonym_key = normalize_word(demonym)
        for country in countries:
            country_key = normalize_word(country)
            related.setdefault(demonym_key, []).append(country_key)
            related.setdefault(country_key, []).append(demonym_key)
    return {key: tuple(dict.fromkeys(keys)) for key, keys in related.items()}


@dataclass(eq=False)
class Vocabulary:
    """What the index holds, for reading and correcting queries (search.vocabulary loads it).

    `readings`: reading key -> the word it reads, as written most often (しゅろ -> 就労).
    `words`: Latin words as written (lower case) -> how often; their keys are `latin_keys`.
    """

    readings: Mapping[str, str] = field(default_factory=dict)
    words: Mapping[str, int] = field(default_factory=dict)
    latin_keys: frozenset[str] = field(init=False)
    _choices: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.latin_keys = frozenset(normalize_word(word) for word in self.words)
        self._choices = list(self.words)

    def corrections(self, word: str, *, limit: int = 3) -> list[str]:
        """Indexed words nearest to `word` (a typo): at most 2 edits (a swap counts as one), only
        for words of TYPO_MIN_LETTERS letters or more; the nearest first, then the most used."""
        if len(word) < TYPO_MIN_LETTERS or not self._choices:
            return []
        found = process.extract(word, self._choices, scorer=OSA.distance, score_cutoff=2, limit=50)
        if not found:
            return []
        nearest = min(distance for _choice, distance, _index in found)
        best = sorted(
            (choice for choice, distance, _index in found if distance == nearest),
            key=lambda choice: (-self.words[choice], choice),
        )
        return best[:limit]

    def segment(self, reading: str) -> tuple[str, ...]:
        """`reading` cut into the fewest indexed readings (なんみんしえん -> なんみん しえん); ()
        if it can't be cut that way."""
        if not reading or len(reading) > _MAX_SEGMENTED:
            return ()
        best: list[tuple[str, ...] | None] = [()] + [None] * len(reading)
        for end in range(1, len(reading) + 1):
            for start in range(max(0, end - _MAX_SEGMENTED), end - _MIN_READING + 1):
                before = best[start]
                piece = reading[start:end]
                if before is None or piece not in self.readings:
                    continue
                if best[end] is None or len(before) + 1 < len(best[end]):
                    best[end] = (*before, piece)
        return best[-1] or ()


EMPTY_VOCABULARY = Vocabulary()
# Only words this long are corrected: shorter ones are too often another real word one edit away.
TYPO_MIN_LETTERS = 5
# Kana queries longer than this (characters, once folded) are not cut into readings.
_MAX_SEGMENTED = 40


@dataclass(frozen=True)
class QueryTerm:
    """One word (space-separated piece) of a query and the ways the index may hold it.

    `options`: key sequences, any one of which matches (each is all-of). The first is what
    the query says as typed unless that was replaced (hiragana read as words, see query_plan).
    `suggestion`: the word as the index writes it when the query was read or corrected
    (しゅうろう -> 就労, refugess -> refugees); '' when typed as indexed.
    """

    typed: str
    exact: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]
    suggestion: str = ""


@dataclass(frozen=True)
class QueryPlan:
    terms: tuple[QueryTerm, ...]

    @property
    def expanded(self) -> bool:
        return any(len(term.options) > 1 or term.options[0] != term.exact for term in self.terms)

    def exact_keys(self) -> list[str]:
        return list(dict.fromkeys(key for term in self.terms for key in term.exact))

    def keys(self) -> frozenset[str]:
        """Every key any option may match (for highlighting)."""
        return frozenset(key for term in self.terms for option in term.options for key in option)

    def suggestion(self) -> str:
        """The query as the index writes it ('did you mean'), or '' when nothing was read or corrected."""
        if not any(term.suggestion for term in self.terms):
            return ""
        return " ".join(term.suggestion or term.typed for term in self.terms)


def query_plan(text: str, vocabulary: Vocabulary = EMPTY_VOCABULARY, *, prefix: bool = False) -> QueryPlan:
    """How a visitor's query meets the index: per word, the keys as typed plus readings (kana,
    romaji), corrections (English typos) and related forms (demonyms).

    - A word in hiragana is read: cut into indexed readings (しゅうろう -> 就労's reading), and
      searched by them alone: Sudachi cuts unknown hiragana into nonsense (あ ふ がに すたん).
    - A word in katakana keeps its written form and may also match by reading (ビーガン, ヴィーガン).
    - A Latin word the index holds is searched as written. One it doesn't hold is read as
      romaji into indexed readings (nanmin) or, failing that, if it has 5+ letters, matches its
      nearest indexed words (refugess -> refugees). A demonym also matches its country.
    With `prefix` (autocomplete) a kana or romaji word the index can't cut is matched as the
    start of a reading.
    """
    text = text[:MAX_QUERY_CHARS]
    terms: list[QueryTerm] = []
    seen: set[str] = set()
    count = 0
    for typed in text.split():
        exact = tuple(key for key in dict.fromkeys(token.key for token in tokens(typed, compounds=False)))
        exact = tuple(key for key in exact if key not in seen)[: max(0, MAX_QUERY_TOKENS - count)]
        seen.update(exact)
        count += len(exact)
        term = _query_term(typed, exact, vocabulary, prefix=prefix)
        if term.options:
            terms.append(term)
        if count >= MAX_QUERY_TOKENS:
            break
    return QueryPlan(tuple(terms))


def _query_term(typed: str, exact: tuple[str, ...], vocabulary: Vocabulary, *, prefix: bool) -> QueryTerm:
    word = _NON_WORD.sub("", _POSSESSIVE.sub("", normalize_text(typed)))
    options: list[tuple[str, ...]] = [exact] if exact else []
    latin = bool(_LATIN_LETTERS.match(word))
    # A Latin word the index holds (taliban, yokohama) is taken as written, not read as romaji.
    known = bool(exact) and set(exact) <= vocabulary.latin_keys
    kana = word if _KANA_WORD.match(word) else (romaji_to_kana(word) if latin and not known else "")
    reading = reading_key(kana) if kana else ""
    segments = vocabulary.segment(reading) if len(reading) >= _MIN_READING else ()
    if not segments and prefix and len(reading) >= _MIN_READING:
        segments = (reading,)
    suggestion = ""
    if segments:
        if _HIRAGANA_WORD.match(word):
            options = []
        options.append(segments)
        written = "".join(vocabulary.readings.get(segment, segment) for segment in segments)
        if written != word and not _KATAKANA_WORD.match(word):
            suggestion = written
    related = [(other,) for key in exact for other in _demonym_keys().get(key, ())]
    options.extend(related)
    if latin and exact and not known and not segments and not related:
        corrected = vocabulary.corrections(word)
        options.extend((normalize_word(correction),) for correction in corrected)
        suggestion = corrected[0] if corrected else ""
    return QueryTerm(typed=typed, exact=exact, options=tuple(dict.fromkeys(options)), suggestion=suggestion)
