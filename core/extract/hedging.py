"""Hedging and direct quotes: two cheap surface reads of a sentence."""
from __future__ import annotations

import re

# Softeners the spec names (might, could, suggested, reportedly, ready to consider) and kin.
_HEDGE = re.compile(
    r"\b(might|may|could|would consider|ready to consider|suggest(s|ed|ing)?|reportedly|possibl[ey]|"
    r"perhaps|probably|likely|appear(s|ed)? to|seem(s|ed)? to|hint(s|ed)?|signal(l)?ed|"
    r"according to (sources|reports)|not rule out|did not rule out|potential(ly)?|maybe)\b",
    re.IGNORECASE,
)
# Straight or curly double quotes; single curly quotes only (straight ' is too often an apostrophe).
_QUOTE = re.compile(r"[\"“”]([^\"“”]{12,})[\"“”]|‘([^‘’]{12,})’")


def is_hedged(text: str) -> tuple[bool, str | None]:
    """Whether the sentence softens its claim, and the word that does."""
    m = _HEDGE.search(text)
    return (True, m.group(0)) if m else (False, None)


def direct_quote(text: str) -> str | None:
    """The longest direct quotation inside the sentence, without its marks."""
    found = [(m.group(1) or m.group(2)).strip() for m in _QUOTE.finditer(text)]
    if not found:
        # an opening mark with its closing one outside the sentence (a quote run over sentences)
        m = re.search(r"[\"“]([^\"“”]{12,})$", text.strip())
        found = [m.group(1).strip()] if m else []
    return max(found, key=len) if found else None


def has_quote_mark(text: str) -> bool:
    return bool(re.search(r"[\"“”]", text))
