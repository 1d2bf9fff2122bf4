"""The negotiation board: on one issue, two sides (each a set of actors) and every move they made,
in time order, each demand paired with the other side's next moves in reply.

Pure functions over the positions frame (no Streamlit). A *move* is any position of a side's actor
on the issue. A *reply* to a demand is a move of the other side

* of any stance: its `kind` says "concession" or "rejection", else "reply" (an offer to talk, a
  warning, a counter-demand…),
* addressed to the demanding side (its target is one of that side's actors) or to no one named,
* made on or after the demand's date, within `REPLY_DAYS` of it, and before the demanding side's
  next (later) demand on the issue, which opens its own exchange.

An actor belongs to one side only: an actor chosen for both stays on side A. So a United States
rejection can only be read as the answer of a side that holds the United States.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from core.analysis.grouping import date_span
from core.analysis.grouping import statements as grouped_statements
from core.analysis.views import by_date, date_values

PRESETS: dict[str, tuple[str, ...]] = {
    "Russia": ("Russia",),
    "NATO + United States + West": ("NATO", "United States", "West"),
    "Ukraine": ("Ukraine",),
    "European Union": ("European Union",),
}
DEMAND = "demand"
ANSWERS = ("concession", "rejection", "dialogue")  # the answers proper (the old one-actor view's)
KINDS = ("concession", "rejection")                  # a reply of another stance is a "reply"
REPLY_DAYS = 31
PAGE_SIZE = 20   # moves per page of the board
# Above this many moves the board's chart counts them per week instead of drawing a dot (and a hover) each:
# at 100,000 positions a board holds thousands of moves, and each dot's hover sentence made a 2 MB chart the
# browser took seconds to draw. The board's list below the chart still shows every move.
DENSE_MOVES = 500


def parse_side(values: Iterable[str] | str | None) -> tuple[str, ...]:
    """Actors from URL values: repeated (`_side_a=NATO&_side_a=West`), comma lists (`NATO,West`) or a
    preset's name (`NATO + United States + West`); blanks and repeats dropped, order kept."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        value = str(value).strip()
        if value in PRESETS:
            out += PRESETS[value]
        else:
            out += [v.strip() for v in value.split(",") if v.strip()]
    return tuple(dict.fromkeys(out))


def side_label(actors: Iterable[str]) -> str:
    """A preset's name when the actors are exactly its set, else the actors joined by " + "."""
    actors = tuple(actors)
    for name, members in PRESETS.items():
        if set(members) == set(actors):
            return name
    return " + ".join(actors) if actors else "nobody"


def preset_of(actor: str | None) -> tuple[str, ...]:
    """The preset side an actor belongs to (the United States: NATO + United States + West), else itself."""
    if not actor:
        return ()
    return next((members for members in PRESETS.values() if actor in members), (actor,))


def default_sides(df: pd.DataFrame, issue: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The two sides to open with: the presets of the two most active actors on the issue that do not
    share a preset (an actor outside the presets stands alone)."""
    ranked = df.loc[df["issue"] == issue, "actor"].dropna().value_counts().index.tolist()
    sides: list[tuple[str, ...]] = []
    for actor in ranked:
        side = preset_of(actor)
        if not any(set(side) & set(s) for s in sides):
            sides.append(side)
        if len(sides) == 2:
            break
    return (sides + [(), ()])[0], (sides + [(), ()])[1]


def board(df: pd.DataFrame, issue: str, side_a: Iterable[str], side_b: Iterable[str], *,
          statements: bool = False) -> pd.DataFrame:
    """Every move of either side on the issue, oldest first (undated last).

    Added columns: `lane` ("A" or "B"), `side` (the side's label), `move_id` (the position_id, or the
    row's place when the frame has none). With `statements`, reports of one statement (core.analysis.grouping) are
    one move, its earliest report's fields with `n_reports` and `outlets` (who carried it)."""
    side_a = tuple(side_a)
    side_b = tuple(a for a in side_b if a not in side_a)
    rows = df[(df["issue"] == issue) & df["actor"].isin(side_a + side_b)]
    if statements and len(rows):
        rows = grouped_statements(rows, lists=("outlets",))
    lane = np.where(rows["actor"].isin(side_a), "A", "B")
    out = rows.assign(lane=lane, side=np.where(lane == "A", side_label(side_a), side_label(side_b)))
    if "position_id" in out.columns and out["position_id"].notna().all():
        out = out.assign(move_id=out["position_id"].astype(str))
    else:
        out = out.assign(move_id=[f"m{i}" for i in range(len(out))])
    return by_date(out, newest_first=False)


def replies(moves: pd.DataFrame, max_days: int = REPLY_DAYS) -> pd.DataFrame:
    """One row per (demand, reply) pair of a board (see the module docstring): `demand_id`, `reply_id`,
    `lane` (the demanding side's), `kind` (concession, rejection or reply), `days` (from the demand to the
    reply). Demands in time order, each one's replies in time order."""
    cols = ["demand_id", "reply_id", "lane", "kind", "days"]
    if moves.empty:
        return pd.DataFrame(columns=cols)
    spans = [date_span(d) for d in moves["date"]]
    first = np.array([s[0].toordinal() if s else np.nan for s in spans], dtype=float)
    last = np.array([s[1].toordinal() if s else np.nan for s in spans], dtype=float)
    stance = moves["stance"].astype("string").fillna("").to_numpy(dtype=object)
    lane = moves["lane"].to_numpy(dtype=object)
    actor = moves["actor"].astype("string").fillna("").to_numpy(dtype=object)
    target = moves["target"].astype("string").fillna("").to_numpy(dtype=object)
    ids = moves["move_id"].to_numpy(dtype=object)
    out = []
    for side in ("A", "B"):
        members = set(actor[lane == side])
        demands = np.flatnonzero((lane == side) & (stance == DEMAND) & ~np.isnan(first))
        answers = np.flatnonzero((lane != side) & ~np.isnan(first)
                                 & np.array([t == "" or t in members for t in target], dtype=bool))
        answers = answers[np.argsort(first[answers], kind="stable")]
        starts = first[answers]
        demand_days = np.unique(first[demands])
        for d in demands:
            later = demand_days[demand_days > first[d]]
            until = last[d] + max_days
            if len(later):
                until = min(until, later[0] - 1)
            lo, hi = np.searchsorted(starts, first[d], "left"), np.searchsorted(starts, until, "right")
            out += [(ids[d], ids[a], side, stance[a] if stance[a] in KINDS else "reply", int(max(first[a] - last[d], 0)))
                    for a in answers[lo:hi]]
    table = pd.DataFrame(out, columns=cols)
    order = {m: i for i, m in enumerate(ids)}
    if len(table):
        table = table.assign(_d=table["demand_id"].map(order), _r=table["reply_id"].map(order))
        table = table.sort_values(["_d", "_r"], kind="stable").drop(columns=["_d", "_r"]).reset_index(drop=True)
    return table


def is_dense(moves: pd.DataFrame, limit: int | None = None) -> bool:
    """True when the board's chart should count moves per week rather than draw each (see DENSE_MOVES)."""
    return len(moves) > (DENSE_MOVES if limit is None else limit)


def weekly_counts(moves: pd.DataFrame) -> pd.DataFrame:
    """Moves per week (Monday to Sunday), lane and stance: `week` (its Monday), `lane`, `side`, `stance`,
    `count`, and `total` (the moves of that lane that week, every stance). Undated moves are left out; a month
    or a year counts in the week of its first day, where the dot chart puts it."""
    cols = ["week", "lane", "side", "stance", "count", "total"]
    when = date_values(moves["date"]) if len(moves) else pd.Series(dtype="datetime64[ns]")
    dated = moves.assign(week=when.dt.to_period("W-SUN").dt.start_time.to_numpy())[when.notna().to_numpy()]
    if dated.empty:
        return pd.DataFrame(columns=cols)
    counts = (dated.groupby(["week", "lane", "side", "stance"], observed=True).size().rename("count").reset_index())
    totals = counts.groupby(["week", "lane"])["count"].transform("sum")
    return counts.assign(total=totals)[cols].sort_values(["week", "lane"], kind="stable").reset_index(drop=True)


def page_of(n_rows: int, page: int | str | None, size: int = PAGE_SIZE) -> tuple[int, int]:
    """(page, pages): the asked page (1-based) held within 1..pages; a bad value gives page 1."""
    pages = max(1, -(-n_rows // size))
    try:
        asked = int(str(page).strip()) if page is not None else 1
    except ValueError:
        asked = 1
    return min(max(asked, 1), pages), pages


def page_rows(moves: pd.DataFrame, page: int, size: int = PAGE_SIZE) -> pd.DataFrame:
    return moves.iloc[(page - 1) * size: page * size]
