"""Position lines and shifts: when did a side move?

A *position line* is one actor's positions on one issue, in time order. A
*shift* is a change along a line that the rule table calls one
(core/data/shift_rules.jsonl, validated on load); `RULES_EXPLAINED` says the
rules in words, and the /shifts page shows that text and the table.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.analysis.grouping import (
    KEY_COLUMNS,
    _plain_list,
    assign_statements,
    date_span,
    gc_paused,
    records_of,
    statements,
)
from core.rules.datafiles import Field, load_records
from core.schema import STANCES

RULES_FILE = "shift_rules.jsonl"
MAX_GAP_DAYS = 183  # about six months: an older position is background, not the side's last word

# What the code below does, in words, for the page (keep the two in step).
RULES_EXPLAINED = f"""\
A **position line** is one actor's positions on one issue, in time order. A **shift** is a move along it:

1. Only the stances named in the rule table below take part. Support, denial and assertion neither
   start nor end a shift, and do not interrupt one.
2. Each position is compared with the actor's *previous* position(s) on the issue: those on the
   latest date strictly before its own, and at most {MAX_GAP_DAYS} days (about six months) before it.
   A date known only to the month or year counts as the whole period, so `2021-12` is not before
   `2021-12-14`. Statements made the same day are never a shift (a conditional offer gives a
   dialogue and a demand in one sentence).
3. If the change (previous stance → new stance) is in the table, it is a shift of that kind, with
   two conditions. A side has not softened, opened, backtracked or closed if it restates the earlier
   stance on the new date (Russia demanding guarantees and offering talks the same day holds both).
   A warning that follows a warning is an escalation only when it uses sharper words (the rule's cue
   words) that the earlier one did not. A position gives at most one shift: the first rule that fits.
4. Positions are first grouped into statements (same actor, stance, issue and target, at most 3
   days apart, similar wording), so a statement carried by five outlets counts once.
"""
KINDS = ("softened", "opened", "backtracked", "closed", "escalated")
_CARRIED = ("stance", "date", "sentence", "article_id", "outlet", "speaker", "target", "quote", "key",
            "outlets", "n_reports")


@dataclass(frozen=True)
class ShiftRule:
    id: str
    kind: str
    from_: frozenset[str]
    to: frozenset[str]
    explain: str
    cues: tuple[str, ...] = ()
    drops: bool = True  # the earlier stance must be given up: not restated on the new date

    def fits(self, old: dict, new: dict, same_day: frozenset[str] = frozenset()) -> bool:
        if old["stance"] not in self.from_ or new["stance"] not in self.to:
            return False
        if self.drops and old["stance"] in same_day:
            return False
        if not self.cues:
            return True
        return _has_cue(new.get("sentence"), self.cues) and not _has_cue(old.get("sentence"), self.cues)


def _stance_list(value) -> str | None:
    bad = [v for v in value if v not in STANCES]
    return f"unknown stance(s) {bad}; allowed: {', '.join(STANCES)}" if bad or not value else None


_FIELDS = [
    Field("kind", (str,), choices=KINDS),
    Field("from", (list,), check=_stance_list),
    Field("to", (list,), check=_stance_list),
    Field("explain", (str,)),
    Field("cues", (list,), required=False),
    Field("drops", (bool,), required=False),
]


@functools.lru_cache(maxsize=4)
def load_rules(path: str = RULES_FILE) -> tuple[ShiftRule, ...]:
    """The rule table, validated (a broken record names its file and line)."""
    return tuple(
        ShiftRule(r["id"], r["kind"], frozenset(r["from"]), frozenset(r["to"]), r["explain"],
                  tuple(r.get("cues") or ()), r.get("drops", True))
        for r in load_records(path, _FIELDS)
    )


def rules_table(rules: tuple[ShiftRule, ...] | None = None) -> pd.DataFrame:
    """The rules as a small table for the page: id, kind, from, to, cue words, meaning."""
    rules = rules or load_rules()
    return pd.DataFrame([
        {"rule": r.id, "shift": r.kind, "from": ", ".join(sorted(r.from_)), "to": ", ".join(sorted(r.to)),
         "cue words": ", ".join(c.rstrip("*") for c in r.cues),
         "earlier stance must be dropped": "yes" if r.drops else "no", "meaning": r.explain}
        for r in rules
    ])


def position_line(df: pd.DataFrame, actor: str, issue: str) -> pd.DataFrame:
    """One actor's positions on one issue, oldest first."""
    line = df[(df["actor"] == actor) & (df["issue"] == issue)]
    return _sorted(line)


def lines_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per actor and issue: how many positions and the stance sequence ("demand → dialogue → …")."""
    cols = ["actor", "issue", "positions", "first", "last", "sequence"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    # whole columns at once (a loop over the rows of each line took seconds at 100,000 positions)
    used = [c for c in ("actor", "issue", "stance", "date", "article_id", "char_start") if c in df.columns]
    ordered = _sorted(df[used].dropna(subset=["actor", "issue"]))
    ordered = ordered.iloc[np.lexsort((np.arange(len(ordered)), *(pd.factorize(ordered[c], sort=True)[0]
                                                                   for c in ("issue", "actor"))))]
    if ordered.empty:
        return pd.DataFrame(columns=cols)
    line = ["actor", "issue"]
    first = ~ordered.duplicated(line)
    changed = first.to_numpy() | (ordered["stance"].to_numpy(dtype=object) != np.roll(ordered["stance"].to_numpy(dtype=object), 1))
    heads, tails = ordered[first], ordered[~ordered.duplicated(line, keep="last")]
    sequence = ordered[changed].groupby(line, sort=False)["stance"].agg(lambda s: " → ".join(map(str, s)))
    return pd.DataFrame({"actor": heads["actor"].tolist(), "issue": heads["issue"].tolist(),
                         "positions": ordered.groupby(line, sort=False).size().to_numpy(),
                         "first": heads["date"].tolist(), "last": tails["date"].tolist(),
                         "sequence": sequence.to_numpy()})


def detect_shifts(df: pd.DataFrame, *, group: bool = True, rules: tuple[ShiftRule, ...] | None = None) -> pd.DataFrame:
    """Every shift in the rows, oldest first, each with both positions' evidence (from_*, to_*)."""
    rules = rules or load_rules()
    if df.empty:
        return _empty_shifts()
    relevant = set().union(*(r.from_ | r.to for r in rules))
    # only the columns grouping and the shift rows read: filtering and sorting move every column
    used = (*KEY_COLUMNS, *_CARRIED, "date", "sentence", "quote", "outlet", "article_id", "char_start",
            "position_id", "statement_id")
    df = df[[c for c in dict.fromkeys(used) if c in df.columns]]
    rows = df[df["stance"].isin(relevant)]  # before grouping: the other stances never take part
    if group:  # stored statement ids (core.storage.derived) when every row has one; else grouped here
        stored = "statement_id" in rows.columns and rows["statement_id"].notna().all()
        rows = statements(rows if stored else assign_statements(rows), lists=("outlets",))
    rows = rows.assign(key=_keys(rows))
    # only the columns used below: sorting moves every column, and the others are dropped anyway
    needed = ("actor", "issue", *_CARRIED, "article_id", "char_start")
    rows = _sorted(rows[[c for c in dict.fromkeys(needed) if c in rows.columns]])
    actors, issues = rows["actor"].tolist(), rows["issue"].tolist()
    lines: dict[tuple, list[int]] = {}
    for k, line_key in enumerate(zip(actors, issues, strict=True)):
        lines.setdefault(line_key, []).append(k)
    # light records for the rules (stance and sentence); the carried columns are read for the shifts only
    recs = records_of(rows, ("stance", "sentence", "date"))
    found: list[tuple] = []
    with gc_paused():
        for line_key in sorted(lines, key=lambda kv: (str(kv[0]), str(kv[1]))):
            found += _line_shifts(lines[line_key], recs, rules)
    if not found:
        return _empty_shifts()
    return _shift_frame(rows, actors, issues, found).sort_values(["to_date", "actor", "issue"], kind="stable",
                                                                 ignore_index=True)


def _line_shifts(line: list[int], recs: list[dict], rules: tuple[ShiftRule, ...]) -> list[tuple]:
    """(old row, new row, rule, days) of each shift along one line (row numbers, oldest first)."""
    spans = [_span(recs[k]["date"]) for k in line]
    by_pair = _rules_by_pair(rules)
    stances_on: dict[tuple, set[str]] = {}
    for k, span in zip(line, spans, strict=True):
        stances_on.setdefault(span, set()).add(recs[k]["stance"])
    same_day_of = {span: frozenset(found) for span, found in stances_on.items()}
    out, previous = [], []
    for i, k in enumerate(line):
        if spans[i] is None:
            continue
        if i == 0 or spans[i] != spans[i - 1]:
            # rows with the same span as the row before have the same previous rows (the scan back
            # only steps over their run), so a day with many positions is scanned once, not per row
            previous = _previous(spans, i)
        if not previous:
            continue
        gap = (spans[i][0] - spans[previous[0]][1]).days   # the previous rows all end on one day
        if gap > MAX_GAP_DAYS:
            continue
        new, same_day = recs[k], same_day_of[spans[i]]
        for j in previous:
            old = recs[line[j]]
            rule = _first_fit(by_pair.get((old["stance"], new["stance"]), ()), old, new, same_day)
            if rule:
                out.append((line[j], k, rule, gap))
                break
    return out


def _first_fit(candidates: tuple[ShiftRule, ...], old: dict, new: dict, same_day: frozenset[str]) -> ShiftRule | None:
    """The first rule (in table order) that fits; a loop, as this runs for every pair of a line."""
    for rule in candidates:
        if rule.fits(old, new, same_day):
            return rule
    return None


def _shift_frame(rows: pd.DataFrame, actors: list, issues: list, found: list[tuple]) -> pd.DataFrame:
    """The shift rows, column by column (as many per-shift dicts would give, without building them)."""
    old, new, rules, days = zip(*found, strict=True)
    keys = rows["key"].tolist()
    data = {"shift_id": [f"{r.id}:{keys[o]}->{keys[n]}" for r, o, n in zip(rules, old, new, strict=True)],
            "actor": [actors[n] for n in new], "issue": [issues[n] for n in new],
            "kind": [r.kind for r in rules], "rule_id": [r.id for r in rules],
            "explain": [r.explain for r in rules], "days": list(days)}
    for side, picked in (("from", list(old)), ("to", list(new))):
        for c in _CARRIED:
            data[f"{side}_{c}"] = _plain_list(rows[c].iloc[picked]) if c in rows.columns else [None] * len(found)
    return pd.DataFrame(data)


@functools.lru_cache(maxsize=8)
def _rules_by_pair(rules: tuple[ShiftRule, ...]) -> dict[tuple[str, str], tuple[ShiftRule, ...]]:
    """(old stance, new stance) -> the rules that may fit, in table order (a lookup, not a scan)."""
    pairs: dict[tuple[str, str], list[ShiftRule]] = {}
    for r in rules:
        for a in sorted(r.from_):
            for b in sorted(r.to):
                pairs.setdefault((a, b), []).append(r)
    return {k: tuple(v) for k, v in pairs.items()}


def _previous(spans: list, i: int) -> list[int]:
    """Indices of the positions on the latest date strictly before line[i]'s (the line is date-sorted)."""
    latest, found = None, []
    for j in range(i - 1, -1, -1):
        if spans[j] is None or not spans[j][1] < spans[i][0]:
            continue
        if latest is None:
            latest = spans[j][1]
        if spans[j][1] != latest:
            break
        found.append(j)
    return found[::-1]


@functools.lru_cache(maxsize=65536)
def _span_of(text: str):
    return date_span(text)


def _span(value):
    """date_span, remembered per date string: a line repeats few dates many times."""
    return _span_of(value) if isinstance(value, str) else date_span(value)


def _empty_shifts() -> pd.DataFrame:
    cols = ["shift_id", "actor", "issue", "kind", "rule_id", "explain", "days"]
    cols += [f"{side}_{c}" for side in ("from", "to") for c in _CARRIED]
    return pd.DataFrame(columns=cols)


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    order = df.assign(_d=df["date"].astype("string").fillna(""))
    extra = [c for c in ("article_id", "char_start") if c in df.columns]
    return order.sort_values(["_d", *extra], kind="stable").drop(columns="_d")


def _keys(df: pd.DataFrame) -> list[str]:
    for col in ("statement_id", "position_id"):
        if col in df.columns and df[col].notna().all():
            if pd.api.types.is_string_dtype(df[col].dtype):
                return df[col].astype("string").tolist()
            return [str(v) for v in df[col]]
    return [f"{a}#{s}" for a, s in zip(df["article_id"], df.get("char_start", pd.Series(range(len(df)))), strict=True)]


@functools.lru_cache(maxsize=64)
def _cue_pattern(cues: tuple[str, ...]) -> re.Pattern:
    parts = [re.escape(c[:-1]) + r"\w*" if c.endswith("*") else re.escape(c) + r"\b" for c in cues]
    return re.compile(r"\b(?:" + "|".join(parts) + ")", re.IGNORECASE)


def _has_cue(sentence, cues: tuple[str, ...]) -> bool:
    return bool(_cue_pattern(cues).search(_text(sentence)))


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


