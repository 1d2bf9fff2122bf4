"""Shared by the store tests: a tiny deterministic extractor and article builders.

The real extractor is improved concurrently by others, so store tests use this
stub: one position per sentence that names Moscow, NATO or Kyiv.
"""
from __future__ import annotations

import re

from core.schema import positions_frame

ACTORS = {"moscow": "Russia", "nato": "NATO", "kyiv": "Ukraine", "washington": "United States"}


def stub_extract(text, *, article_id, published, title=None):
    rows = []
    for m in re.finditer(r"[^.!?]+[.!?]?", text):
        sentence = m.group(0).strip()
        low = sentence.lower()
        actor = next((v for k, v in ACTORS.items() if low.startswith(k)), None)
        if not actor:
            continue
        start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        rows.append(dict(article_id=article_id, sentence=sentence, char_start=start, char_end=start + len(sentence),
                         actor=actor, target="NATO" if "nato" in low and actor != "NATO" else None,
                         stance="demand" if "demand" in low else "warning" if "warn" in low else "assertion",
                         issue="nato_enlargement" if "expansion" in low else "other",
                         date=published, date_precision="day", hedged="might" in low, confidence=0.5,
                         rule_id="stub", cue="stub"))
    return positions_frame(rows)


def article(n: int, text: str | None = None, **kw) -> dict:
    base = dict(article_id=f"a{n}", title=f"Title {n}", outlet="Test Wire", url=f"https://news.example/{n}",
                published="2022-02-14",
                text=text or f"Moscow demanded that NATO halt its expansion, story {n}. Kyiv warned of war {n}.")
    base.update(kw)
    return base
