"""Readings: how a word sounds, in katakana, hiragana and romaji.

Kept apart from tokenising because two different callers need it: the index (nouns are also
indexed under their folded reading, proper nouns under their romaji) and the CRM's donor search
(search keys for names). Sits between text_analysis.words (which it uses) and
text_analysis.text (which uses it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import jaconv

from text_analysis.words import (
    _CHUNK_CHARS,
    _HAS_KANJI,
    _HIRAGANA_WORD,
    _KATAKANA_WORD,
    _LATIN_LETTERS,
    _LATIN_WORD,
    _is_function_word,
    _tokenizer,
    normalize_text,
    normalize_word,
)

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
