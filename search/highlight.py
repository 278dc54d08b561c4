"""Excerpts with the visitor's words marked, computed on our side with the same analyser as the
index (so 受けた in the text lights up for a query 受ける), whatever the search backend."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search import vocabulary
from text_analysis import query_keys, sentence_tokens, sentences

# The excerpt window, in characters. Japanese packs more per character than English, but one
# size keeps result cards even on a phone.
EXCERPT_CHARS = 160
# Only this much of a long page is analysed when looking for the first match.
SCAN_CHARS = 20_000


def _matched_spans(text: str, keys: frozenset[str], size: int) -> list[tuple[int, int]]:
    spans = []
    for offset, sentence in sentences(text):
        # Only the window after the first match is shown: the rest of the page needn't be analysed.
        if spans and offset >= spans[0][0] + size:
            break
        spans.extend(
            (offset + token.begin, offset + token.end)
            for token in sentence_tokens(sentence)
            if token.key in keys
        )
    spans.sort()
    merged: list[tuple[int, int]] = []
    for begin, end in spans:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


def excerpt(text: str, query: str, *, size: int = EXCERPT_CHARS) -> SafeString:
    """An HTML-escaped window of `text` around the first match of `query`, matches in <mark>.

    Without a match, the opening of the text.
    """
    text = " ".join(text.split())[:SCAN_CHARS]
    if not text:
        return mark_safe("")
    # The query as written, and as read or corrected (しゅうろう marks 就労, refugess refugees).
    keys = query_keys(query) | vocabulary.plan(query).keys() if query else frozenset()
    spans = _matched_spans(text, keys, size) if keys else []

    start = 0
    if spans:
        # Show a little context before the first match, starting at a word edge where we can.
        start = max(0, spans[0][0] - size // 4)
        space = text.rfind(" ", 0, start)
        if start and space != -1 and start - space < 15:
            start = space + 1
    end = min(len(text), start + size)

    parts = ["…" if start > 0 else ""]
    cursor = start
    for begin, finish in spans:
        if finish <= start or begin >= end:
            continue
        begin, finish = max(begin, start), min(finish, end)
        parts.append(escape(text[cursor:begin]))
        parts.append(f"<mark>{escape(text[begin:finish])}</mark>")
        cursor = finish
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))
