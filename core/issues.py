"""Issue lexicon (core/data/issues.jsonl): which issues a sentence touches.

Lexicon hits are features of the learned issue model (core/classifier.py) and its
fallback when no model is present.
"""
from __future__ import annotations

import functools
import re

from core.datafiles import Field, load_records
from core.schema import ISSUES
from core.stance import _regex

ISSUES_FILE = "issues.jsonl"
ISSUE_FIELDS = [Field("issue", (str,), choices=ISSUES), Field("pattern", (str,), check=_regex),
                Field("note", (str,), required=False)]


@functools.lru_cache(maxsize=4)
def load_lexicon(path: str = ISSUES_FILE) -> tuple[tuple[str, str, re.Pattern], ...]:
    return tuple((r["id"], r["issue"], re.compile(r["pattern"])) for r in load_records(path, ISSUE_FIELDS))


def issue_hits(text: str, path: str = ISSUES_FILE) -> dict[str, list[str]]:
    """issue -> ids of the lexicon records that fire in `text`."""
    low = text.lower()
    out: dict[str, list[str]] = {}
    for rule_id, issue, rx in load_lexicon(path):
        if rx.search(low):
            out.setdefault(issue, []).append(rule_id)
    return out


def lexicon_issues(text: str) -> list[str]:
    """Issues by the lexicon alone, most hits first; `other` when nothing fires."""
    hits = issue_hits(text)
    if not hits:
        return ["other"]
    return sorted(hits, key=lambda i: -len(hits[i]))
