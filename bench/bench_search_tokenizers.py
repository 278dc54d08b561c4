"""Tokenizer comparison for the Japanese analysis: SudachiPy (core / small dictionary) and
fugashi + unidic-lite, run through the same normalisation as text_analysis.

    .venv/bin/pip install sudachidict-small==20261015 fugashi==1.5.2 unidic-lite==1.0.8  # candidates
    .venv/bin/python -m bench.bench_search_tokenizers

"recall" is measured on the relevance set (tests/search/relevance.py): a query counts as found
when every word the tokenizer makes of it is also a word it makes of the target story (in the
query's language), which is exactly what the database backend's AND search needs. Speed is
characters per second over all demo story text; size is the installed site-packages folders.
Candidates that are not installed are reported as such. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _du(*names: str) -> float:
    import site

    total = 0
    for base in site.getsitepackages():
        for name in names:
            for path in Path(base).glob(name):
                total += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return round(total / 2**20, 1)


def _sudachi_analyser(dictionary: str):
    from sudachipy import Dictionary, SplitMode

    from text_analysis import words as analysis

    tokenizer = Dictionary(dict=dictionary).tokenizer(mode=SplitMode.C)

    def keys(text: str, *, index: bool) -> set[str]:
        out = set()
        for morpheme in tokenizer.tokenize(text):
            if analysis._is_function_word(morpheme):
                continue
            parts = morpheme.split(SplitMode.A)
            if index or not parts:
                out.add(analysis._key(morpheme))
            if len(parts) > 1:
                out.update(analysis._key(part) for part in parts)
        return out - {""}

    return keys


def _fugashi_analyser():
    import fugashi

    from text_analysis import words as analysis

    tagger = fugashi.Tagger()

    def keys(text: str, *, index: bool) -> set[str]:
        out = set()
        for word in tagger(text):
            feature = word.feature
            if feature.pos1 in {"助詞", "助動詞", "補助記号", "空白"}:
                continue
            surface = analysis.normalize_text(word.surface)
            if analysis._LATIN_WORD.match(surface) or not feature.lemma:
                out.add(analysis.normalize_word(surface))
            else:
                out.add(analysis.normalize_word(feature.lemma.split("-")[0]))
        return out - {""}

    return keys


def _corpus() -> dict[tuple[str, str], str]:
    from home.demo.content import STORIES, localise

    texts = {}
    for story in STORIES:
        for language in ("ja", "en"):
            data = localise(story, language)
            parts = [
                data["title"],
                data["intro"],
                *data["paragraphs"],
                *data.get("regions", []),
                *data.get("topics", []),
            ]
            texts[(story["slug"], language)] = " ".join(parts)
    return texts


def measure(name: str, factory, packages: tuple[str, ...]) -> dict:
    from tests.search.relevance import RELEVANCE_SET

    try:
        keys = factory()
    except Exception as error:  # not installed
        return {"tokenizer": name, "installed": False, "error": type(error).__name__}
    corpus = _corpus()
    indexed = {key: keys(text, index=True) for key, text in corpus.items()}
    found = sum(
        1
        for language, _kind, query, slug in RELEVANCE_SET
        if (words := keys(query, index=False)) and words <= indexed[(slug, language)]
    )
    text = " ".join(corpus.values()) * 5
    started = time.perf_counter()
    for start in range(0, len(text), 2000):
        keys(text[start : start + 2000], index=True)
    seconds = time.perf_counter() - started
    return {
        "tokenizer": name,
        "installed": True,
        "recall": round(found / len(RELEVANCE_SET), 3),
        "chars_per_s": int(len(text) / seconds),
        "install_mb": _du(*packages),
    }


def run() -> dict:
    return {
        "results": [
            measure("sudachipy+core", lambda: _sudachi_analyser("core"), ("sudachipy", "sudachidict_core")),
            measure(
                "sudachipy+small", lambda: _sudachi_analyser("small"), ("sudachipy", "sudachidict_small")
            ),
            measure("fugashi+unidic-lite", _fugashi_analyser, ("fugashi", "fugashi.libs", "unidic_lite")),
        ]
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(json.dumps(run(), ensure_ascii=False))
