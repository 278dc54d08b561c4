"""Text analysis shared by every search path: the database backend, Elasticsearch, highlighting and
the CRM's donor search (`text_analysis.names`: people's and companies' names into search text).

A top-level library, not part of the search app, because the CRM uses it too: it imports nothing of
the site, so the site search and the CRM both stand on it and neither reaches up into the other.

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

The package is split by what each part needs, bottom to top (each imports only those before it):
words (one word: Sudachi, folding, stemming), readings (kana and romaji), text (whole texts into
keys, index and query) and plan (a query against the index's vocabulary). Callers import from
text_analysis itself; the modules are an internal layout.
"""

from text_analysis.plan import (
    DEMONYMS,
    EMPTY_VOCABULARY,
    TYPO_MIN_LETTERS,
    QueryPlan,
    QueryTerm,
    Vocabulary,
    query_plan,
)
from text_analysis.readings import (
    katakana_to_hiragana,
    katakana_to_romaji,
    reading,
    reading_key,
    romaji_to_kana,
)
from text_analysis.text import (
    analyze,
    analyze_query,
    collecting_vocabulary,
    query_keys,
    sentence_tokens,
    sentences,
    tokens,
)
from text_analysis.words import (
    MAX_QUERY_CHARS,
    MAX_QUERY_TOKENS,
    Token,
    fold_katakana,
    normalize_text,
    normalize_word,
)

__all__ = [
    "DEMONYMS",
    "EMPTY_VOCABULARY",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TOKENS",
    "TYPO_MIN_LETTERS",
    "QueryPlan",
    "QueryTerm",
    "Token",
    "Vocabulary",
    "analyze",
    "analyze_query",
    "collecting_vocabulary",
    "fold_katakana",
    "katakana_to_hiragana",
    "katakana_to_romaji",
    "normalize_text",
    "normalize_word",
    "query_keys",
    "query_plan",
    "reading",
    "reading_key",
    "romaji_to_kana",
    "sentence_tokens",
    "sentences",
    "tokens",
]
