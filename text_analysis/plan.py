"""Query planning: how each word of a visitor's query may meet the index (as typed, read from
kana or romaji, corrected when misspelt, or as a related demonym/country).

Separate from text_analysis.text because it needs what the index holds (Vocabulary, loaded by
search.vocabulary) while plain analysis needs nothing but the text. The top of the package:
nothing in text_analysis imports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from text_analysis.readings import _MIN_READING, reading_key, romaji_to_kana
from text_analysis.text import tokens
from text_analysis.words import (
    _HIRAGANA_WORD,
    _KANA_WORD,
    _KATAKANA_WORD,
    _LATIN_LETTERS,
    _NON_WORD,
    _POSSESSIVE,
    MAX_QUERY_CHARS,
    MAX_QUERY_TOKENS,
    normalize_text,
    normalize_word,
)

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
