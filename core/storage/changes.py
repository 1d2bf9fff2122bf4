"""What changed since a moment: new positions, new shifts, and who moved most. Pure: rows in, summary out.

    ch = what_changed(positions, new_article_ids, since="2026-12-07")
    print(ch.text())

"New" means stored since then: the positions of the articles added since (an
article's positions are re-extracted in place, so the article's arrival is the
moment that counts, not the statement's own date). A new shift is one the rules
of core.analysis.shifts find whose later position is new; it is found against the whole
line, so a new statement is compared with what the actor said before.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from core.analysis.shifts import detect_shifts

TOP = 5


@dataclass(frozen=True)
class Changes:
    since: str
    new_articles: int
    new_positions: int
    shifts: pd.DataFrame = field(repr=False)
    actors: list[tuple[str, int, int]]   # (actor, new positions, new shifts), who moved most first
    issues: list[tuple[str, int, int]]

    def is_empty(self) -> bool:
        return self.new_positions == 0 and self.shifts.empty

    def lines(self) -> list[str]:
        """The summary in words: the CLI prints it, a webhook posts it, the Overview draws it."""
        head = (f"Since {self.since}: {self.new_positions} new positions from {self.new_articles} new articles,"
                f" {len(self.shifts)} new shifts.")
        out = [head]
        for s in self.shifts.head(TOP).itertuples(index=False):
            out.append(f"- {s.actor} {s.kind} on {s.issue}: {s.from_stance} → {s.to_stance} ({s.to_date})")
        if self.actors:
            out.append("Moved most: " + ", ".join(_moved(a, n, k) for a, n, k in self.actors))
        if self.issues:
            out.append("Issues: " + ", ".join(_moved(i, n, k) for i, n, k in self.issues))
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


def _moved(name: str, positions: int, shifts: int) -> str:
    return f"{name} ({positions} new" + (f", {shifts} shifts)" if shifts else ")")


def what_changed(df: pd.DataFrame, new_article_ids, since: str, *, top: int = TOP) -> Changes:
    """The changes in `df` (positions with article_id, actor, issue, stance, date) brought by the
    articles `new_article_ids`."""
    ids = set(new_article_ids)
    is_new = df["article_id"].isin(ids) if len(df) else pd.Series(dtype=bool)
    new = df[is_new]
    shifts = new_shifts(df, new, ids)
    return Changes(since, int(new["article_id"].nunique()), len(new), shifts,
                   _ranked(new, shifts, "actor", top), _ranked(new, shifts, "issue", top))


def new_shifts(df: pd.DataFrame, new: pd.DataFrame, ids: set[str]) -> pd.DataFrame:
    """Shifts whose later position is new, found on the lines (actor, issue) the new rows touch only."""
    if new.empty:
        return detect_shifts(new)
    lines = set(zip(new["actor"], new["issue"], strict=True))
    on_lines = df[[pair in lines for pair in zip(df["actor"], df["issue"], strict=True)]]
    found = detect_shifts(on_lines)
    return found[found["to_article_id"].isin(ids)].reset_index(drop=True)


def _ranked(new: pd.DataFrame, shifts: pd.DataFrame, column: str, top: int) -> list[tuple[str, int, int]]:
    counts = new[column].dropna().value_counts()
    moved = shifts[column].value_counts() if len(shifts) else pd.Series(dtype=int)
    names = set(counts.index) | set(moved.index)
    ranked = sorted(names, key=lambda n: (-int(moved.get(n, 0)), -int(counts.get(n, 0)), str(n)))
    return [(str(n), int(counts.get(n, 0)), int(moved.get(n, 0))) for n in ranked[:top]]
