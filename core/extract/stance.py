"""Stance cue rules (core/data/stance_cues.jsonl): find which cues fire in a sentence.

The cues do not decide a stance alone: their hits are features of the learned
stance model (core/extract/classifier.py), and they explain a row (rule_id, cue) when the
model picks a stance whose cue fired.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from core.rules.datafiles import DataFileError, Field, load_records
from core.rules.patterns import PatternSet
from core.schema import STANCES

CUES_FILE = "stance_cues.jsonl"


@dataclass(frozen=True)
class CueHit:
    rule_id: str
    stance: str
    text: str   # the words that fired it
    start: int  # offset into the sentence text


def _regex(value) -> str | None:
    try:
        re.compile(value)
    except re.error as err:
        return f"not a valid regular expression ({err})"
    return None


CUE_FIELDS = [Field("stance", (str,), choices=STANCES), Field("pattern", (str,), check=_regex),
              Field("note", (str,), required=False)]


@functools.lru_cache(maxsize=4)
def load_cues(path: str = CUES_FILE) -> tuple[tuple[str, str, re.Pattern], ...]:
    records = load_records(path, CUE_FIELDS)
    if not records:
        raise DataFileError(path, None, "no cue records: the stance model needs at least one")
    return tuple((r["id"], r["stance"], re.compile(r["pattern"])) for r in records)


def find_cues(text: str, path: str = CUES_FILE) -> list[CueHit]:
    """Every cue that fires in `text` (case-insensitive), in order of position."""
    cues = load_cues(path)
    hits = []
    for i, m in _cue_set(path).search(text.lower()):
        rule_id, stance, _ = cues[i]
        hits.append(CueHit(rule_id, stance, text[m.start():m.end()], m.start()))
    return sorted(hits, key=lambda h: h.start)


@functools.lru_cache(maxsize=4)
def _cue_set(path: str) -> PatternSet:
    return PatternSet([rx for _, _, rx in load_cues(path)])


def explain(stance: str, hits: list[CueHit], model_id: str) -> tuple[str, str]:
    """(rule_id, cue) for a row: the first cue of the chosen stance, else the model itself."""
    for h in hits:
        if h.stance == stance:
            return h.rule_id, f"{h.text} ({h.rule_id}, scored by {model_id})"
    return model_id, f"no {stance} cue word; scored by {model_id}"
