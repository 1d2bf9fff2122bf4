"""The evidence around a position: its sentence inside its paragraph, and the sentences a
reviewer may pick from when adding a position the extractor missed. Pure text functions."""
from __future__ import annotations

import html
import re

from core.present.colors import stance_rgba

# A sentence ends at . ! ? (and a closing quote or bracket after it) followed by space and a capital,
# a quote or a digit; or at a line break. Good enough to *offer* sentences: the reviewer chooses.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[A-Z“\"'‘(\d])|\n+")


def paragraph_around(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(before, sentence, after) within the paragraph (blank-line or line-break delimited) holding text[start:end]."""
    start, end = max(0, start), min(len(text), max(start, end))
    para_start = max(text.rfind("\n", 0, start) + 1, 0)
    nl = text.find("\n", end)
    para_end = len(text) if nl < 0 else nl
    return text[para_start:start], text[start:end], text[end:para_end]


def evidence_html(text: str, start: int | None, end: int | None, sentence: str, stance: str | None) -> str:
    """The paragraph as escaped HTML with the sentence marked in its stance colour.

    Falls back to the sentence alone when the offsets do not point at it (the article changed).
    """
    if start is None or end is None or text[start:end].strip() != (sentence or "").strip():
        found = text.find((sentence or "").strip()) if sentence else -1
        if found < 0:
            return f"<mark>{html.escape(sentence or '')}</mark>"
        start, end = found, found + len(sentence.strip())
    before, middle, after = paragraph_around(text, start, end)
    style = f"background:{stance_rgba(stance, 0.35)};padding:0 2px;border-radius:3px"
    return f'{html.escape(before)}<mark style="{style}">{html.escape(middle)}</mark>{html.escape(after)}'


def article_sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sentence) for every sentence of the text, in order, whitespace trimmed."""
    out, pos = [], 0
    for m in _SENTENCE_END.finditer(text):
        _add(out, text, pos, m.start() + len(m.group(0).rstrip()))  # keep a closing quote
        pos = m.end()
    _add(out, text, pos, len(text))
    return out


def _add(out: list, text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        out.append((start + lead, start + lead + len(stripped), stripped))


HEADING_CHARS = 90  # a heading made from the first line stops at a word near this length


def article_heading(title, text, article_id: str) -> str:
    """What names an article: its title, else its first line of text (shortened), else its id.
    An id reads as a code to a person; the first words say what the article is."""
    if isinstance(title, str) and title.strip():
        return title.strip()
    first = next((line.strip() for line in str(text or "").splitlines() if line.strip()), "")
    if not first:
        return article_id
    if len(first) <= HEADING_CHARS:
        return first
    cut = first.rfind(" ", 0, HEADING_CHARS)
    return first[: cut if cut > HEADING_CHARS // 2 else HEADING_CHARS].rstrip(" ,;:") + "…"


def _given(value) -> bool:
    if value is None:
        return False
    try:
        return not bool(value != value) and str(value).strip() != "" and str(value) != "<NA>"
    except (TypeError, ValueError):  # pandas' NA refuses comparison
        return False


def citation(row, meta=None) -> str:
    """A citation of one position to paste elsewhere: the quote (else the sentence), who said it, the
    outlet, the date and the address.

    `“We will not allow endless talks,” Sergei Lavrov (Russia). Press TV, 2022-02-14 (published 2022-02-15).
    https://…`"""
    meta = meta or {}

    def get(key):
        value = row.get(key) if hasattr(row, "get") else None
        if not _given(value):
            value = meta.get(key)
        return str(value).strip() if _given(value) else ""

    words = get("quote") or get("sentence")
    who = get("speaker")
    actor = get("actor")
    who = f"{who} ({actor})" if who and actor and actor != who else (who or actor)
    where = ", ".join(p for p in (get("outlet"), get("date")) if p)
    published = get("published")
    if published and published != get("date"):
        where += f" (published {published})"
    address = get("url") or (f"article {get('article_id')}" if get("article_id") else "")
    words = words.strip('“”" ')
    parts = [f"“{words}”" + (f" {who}." if who else ""), f"{where}." if where else "", address]
    return " ".join(p for p in parts if p)
