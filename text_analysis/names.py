"""How a donor's name, kana, email and phone become one searchable string, and how a fundraiser's
query becomes the variants to look for in it (kanji, kana, romaji, email).

It lives beside the site search's analysis (and imports only it) because donors, partner companies,
segments, imports and the Facebook-group paste all read names this way: the same NFKC/case folding and the same
Sudachi dictionary reads names, so the admin's donor search and page search agree on what 山田 or
やまだ means. Sudachi reads common given names better than pykakasi did (蓮 レン, 彩 アヤ, 千尋
チヒロ, 亮 リョウ, where pykakasi said ハス, サイ, センジン, アキラ) and costs less memory: its
dictionary is memory-mapped and the site search has loaded it already.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from text_analysis import katakana_to_hiragana, katakana_to_romaji, normalize_text, reading

# --- search normalisation --------------------------------------------------------------------------

_LONG_VOWELS = (("ou", "o"), ("oo", "o"), ("uu", "u"), ("ei", "e"), ("aa", "a"), ("ii", "i"))
_SPACES = re.compile(r"\s+")
_KANA_ONLY = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\s・]+$")
_KATAKANA_RUN = re.compile(r"([\u30a1-\u30fa\u30fc]+)")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
# Old and variant forms of kanji common in family names (髙橋, 山﨑) that the dictionary lacks or
# reads only in the usual form; NFKC leaves them alone. Used only to look up a reading.
_NAME_VARIANTS = str.maketrans(
    {"髙": "高", "﨑": "崎", "濵": "浜", "邉": "辺", "邊": "辺", "齋": "斎", "齊": "斉", "澤": "沢", "櫻": "桜", "廣": "広", "嶋": "島", "冨": "富"}
)  # fmt: skip


def normalise_text(text: str) -> str:
    """NFKC (full-width letters/digits, half-width kana), lower case, katakana folded to hiragana."""
    return _SPACES.sub(" ", katakana_to_hiragana(normalize_text(text or ""))).strip()


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def fold_romaji(text: str) -> str:
    """Drop long-vowel spellings so "Tarou", "Tarō", "Taro" and "Taroh" all meet."""
    text = _strip_marks(text)
    text = re.sub(r"(?<=[aeiou])h(?![aeiou])", "", text)
    for long, short in _LONG_VOWELS:
        text = text.replace(long, short)
    return text


def _hiragana_to_katakana(text: str) -> str:
    return "".join(chr(ord(ch) + 0x60) if "ぁ" <= ch <= "ゖ" else ch for ch in text)


def _romaji(kana: str) -> str:
    # Katakana runs become Hepburn; Latin stays as written; kanji without a reading are dropped.
    return "".join(
        katakana_to_romaji(run) if i % 2 else _JAPANESE.sub("", run)
        for i, run in enumerate(_KATAKANA_RUN.split(kana))
    )


@lru_cache(maxsize=65536)
def readings(text: str) -> tuple[str, str]:
    """(hiragana, romaji) readings of a name part. Cached: names repeat, and imports read many."""
    if not text:
        return "", ""
    if _KANA_ONLY.match(text):
        kana = _hiragana_to_katakana(text)  # kana is its own reading; the dictionary would re-split it
    elif not _JAPANESE.search(text):
        kana = text  # Latin letters are kept as written: no dictionary needed
    else:
        kana = reading(text.translate(_NAME_VARIANTS))
    return normalise_text(kana), normalise_text(_romaji(kana))


# PostgreSQL's trigram index cannot serve a two-character pattern such as 山田 or やま. Japanese
# pieces of the haystack are also stored with a filler after each character ("山〆田〆"), so a short
# Japanese term becomes a three-character pattern ("山〆田") the index can answer. The filler is a
# character pg_trgm counts as part of a word and that never occurs in names.
FILL = "〆"


def _interleave(text: str) -> str:
    return "".join(ch + FILL for ch in text if ch != " ")


def _reading_source(name: str, position: int, kana: list[str]) -> str:
    given = kana[position] if position < len(kana) else ""
    return given if given and _JAPANESE.search(name) else name


def search_haystack(*, names: list[str], kana: list[str], email: str | None, extra: list[str] = ()) -> str:
    """One lower-case string holding every way a fundraiser might type this donor's name."""
    pieces: list[str] = []
    full_names: list[list[str]] = []
    kana_norms = [normalise_text(k) for k in kana]
    for parts in (names, kana):
        at = [(i, normalise_text(p)) for i, p in enumerate(parts) if p and p.strip()]
        norms = [norm for _i, norm in at]
        # A name in kanji is read as its own kana say when given (陽菜 is ひな for this donor, though
        # the dictionary says はるな); the dictionary reads it only when the kana is blank. That
        # also spares an import of a list with a kana column from loading the dictionary at all.
        readings_ = [
            readings(_reading_source(norm, i, kana_norms) if parts is names else norm) for i, norm in at
        ]
        for norm, (hira, romaji) in zip(norms, readings_, strict=True):
            pieces.extend([norm, hira, romaji, fold_romaji(romaji)])
        if len(norms) > 1:
            full_names.append(norms)
            full_names.append([r[0] for r in readings_])
            # Full name in both orders, so "yamada taro" and "taro yamada" match as phrases too.
            romaji = [r[1] for r in readings_]
            pieces.extend([" ".join(romaji), " ".join(reversed(romaji)), fold_romaji(" ".join(romaji))])
    for full in full_names:
        pieces.extend(["".join(full), " ".join(full)])
    pieces.extend([_interleave(p) for p in pieces if p and not p.isascii()])
    # Email and extras come last: bulk writers (crm.imports.bulk) cache the name part and append these.
    if email:
        pieces.append(normalise_text(email))
    pieces.extend(normalise_text(x) for x in extra if x)
    seen: dict[str, None] = {}
    for piece in pieces:
        if piece:
            seen.setdefault(piece, None)
    return " | ".join(seen)


def donor_search_text(
    *,
    family_name: str,
    given_name: str,
    family_name_kana: str,
    given_name_kana: str,
    email: str | None,
    phone: str,
) -> str:
    """The haystack of one donor; also used by bulk writers (imports, seeding, migrations)."""
    return search_haystack(
        names=[family_name, given_name],
        kana=[family_name_kana, given_name_kana],
        email=email,
        extra=[phone.replace("-", "")] if phone else [],
    )


def _japanese_variant(term: str) -> str:
    return _interleave(term) if len(term) == 2 else term


def search_terms(query: str) -> list[tuple[str, ...]]:
    """Each whitespace-separated term of a query with its variants; a donor must match every term."""
    terms = []
    for term in normalise_text(query).split(" "):
        if not term:
            continue
        plain = _strip_marks(term)
        if plain.isascii():
            variants = {term, plain, fold_romaji(plain)}
            if re.fullmatch(r"[\d\-()+ ]+", plain):
                # Phone numbers are stored as digits only.
                variants = {re.sub(r"\D", "", plain)}
        else:
            variants = {_japanese_variant(term)}
            # Long vowels at the end are spelling variation (text_analysis.fold_katakana): ミュラー
            # and ミュラ both find ミュラー, as the stored names keep the mark and this is a substring.
            folded = term.rstrip("ー")
            if len(folded) >= 2 and folded != term:
                variants.add(_japanese_variant(folded))
            hira, _romaji = readings(term)
            if hira:
                variants.add(_japanese_variant(hira))
        terms.append(tuple(sorted(variants)))
    return terms
