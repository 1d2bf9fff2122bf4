"""Issue lexicon (core/data/issues.jsonl): which issues a sentence touches.

Lexicon hits are features of the learned issue model (core/extract/classifier.py) and its
fallback when no model is present.
"""
from __future__ import annotations

import functools
import re

from core.extract.stance import _regex
from core.rules.datafiles import Field, load_records
from core.rules.patterns import PatternSet
from core.schema import ISSUES

ISSUES_FILE = "issues.jsonl"
ISSUE_FIELDS = [Field("issue", (str,), choices=ISSUES), Field("pattern", (str,), check=_regex),
                Field("note", (str,), required=False)]


@functools.lru_cache(maxsize=4)
def load_lexicon(path: str = ISSUES_FILE) -> tuple[tuple[str, str, re.Pattern], ...]:
    return tuple((r["id"], r["issue"], re.compile(r["pattern"])) for r in load_records(path, ISSUE_FIELDS))


def issue_hits(text: str, path: str = ISSUES_FILE) -> dict[str, list[str]]:
    """issue -> ids of the lexicon records that fire in `text`."""
    return {issue: list(ids) for issue, ids in _hits(text, path)}


@functools.lru_cache(maxsize=4096)  # each sentence is asked about for its context and for each position
def _hits(text: str, path: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    lexicon = load_lexicon(path)
    out: dict[str, list[str]] = {}
    for i, _ in _lexicon_set(path).search(text.lower()):
        rule_id, issue, _ = lexicon[i]
        out.setdefault(issue, []).append(rule_id)
    return tuple((issue, tuple(ids)) for issue, ids in out.items())


@functools.lru_cache(maxsize=4)
def _lexicon_set(path: str) -> PatternSet:
    return PatternSet([rx for _, _, rx in load_lexicon(path)])


def lexicon_issues(text: str) -> list[str]:
    """Issues by the lexicon alone, most hits first; `other` when nothing fires."""
    hits = issue_hits(text)
    if not hits:
        return ["other"]
    return sorted(hits, key=lambda i: -len(hits[i]))


def issue_context(texts: list[str]) -> list[dict]:
    """Per sentence, what the article and its neighbours are about: the article's share of sentences
    hitting each issue, and the issues of the sentences just before and after. The gold often codes
    a terse statement ("We will respond") with the issue the article is about."""
    hits = [issue_hits(t) for t in texts]
    total: dict[str, int] = {}
    for h in hits:
        for issue in h:
            total[issue] = total.get(issue, 0) + 1
    n = max(1, len(texts))
    article = {f"art={i}": c / n for i, c in total.items()}
    out = []
    for j in range(len(texts)):
        f = dict(article)
        for k in (j - 1, j + 1):
            if 0 <= k < len(texts):
                for issue in hits[k]:
                    f[f"nb={issue}"] = 0.5
        out.append(f)
    return out
