"""Statement ids and shifts, worked out when positions are written instead of on every view.

Grouping reports into statements (core.grouping) and finding shifts (core.shifts) read every row a view
shows: at 100,000 positions about 0.5 s and 0.35 s per view. Both are stored instead (migration 014):

* `position_statements`: each row the dashboard shows (reviews applied, rejected rows left out) with its
  `statement_id`, as core.grouping.assign_statements gives it over all those rows;
* `shifts`: every shift core.shifts.detect_shifts finds among them (its columns; `seq` keeps its order).

The writers keep them current, in the transaction of their write: ingest and re-extraction through
core.store.replace_positions, and each review decision (core.review). A write refreshes only the position
lines (actor, issue) it touched, before and after: grouping never joins rows of two actors or issues, and
shifts are found line by line, so a refreshed line equals a full recomputation.

What they mean for a filtered view: a statement is grouped once, over every shown position, and a filter
shows those of its reports that match (a filter on actor, stance, issue or target keeps or drops whole
statements, so nothing changes there). The stored shifts are the unfiltered view's; a filtered view finds
its own shifts (core.shifts over the stored statement ids, so without grouping again).
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

STATEMENTS_TABLE = "position_statements"
SHIFTS_TABLE = "shifts"
LINE = ("actor", "issue")
# core.shifts' shift frame: its columns in order, and their SQL types (lists of outlets as VARCHAR[])
_SIDE = {"stance": "VARCHAR", "date": "VARCHAR", "sentence": "VARCHAR", "article_id": "VARCHAR",
         "outlet": "VARCHAR", "speaker": "VARCHAR", "target": "VARCHAR", "quote": "VARCHAR", "key": "VARCHAR",
         "outlets": "VARCHAR[]", "n_reports": "BIGINT"}
SHIFT_COLUMNS = {"shift_id": "VARCHAR", "actor": "VARCHAR", "issue": "VARCHAR", "kind": "VARCHAR",
                 "rule_id": "VARCHAR", "explain": "VARCHAR", "days": "BIGINT",
                 **{f"{side}_{c}": t for side in ("from", "to") for c, t in _SIDE.items()}}


def create_tables(conn) -> None:
    """The two tables (migration 014)."""
    conn.execute(f'CREATE TABLE {STATEMENTS_TABLE} ("position_id" VARCHAR PRIMARY KEY, "actor" VARCHAR,'
                 ' "issue" VARCHAR, "statement_id" VARCHAR NOT NULL)')
    cols = ", ".join(f'"{c}" {t}' for c, t in SHIFT_COLUMNS.items())
    conn.execute(f'CREATE TABLE {SHIFTS_TABLE} ({cols}, "seq" BIGINT NOT NULL)')


def lines_of_article(conn, article_id: str) -> set[tuple[str, str]]:
    """The (actor, issue) lines an article's rows stand on, machine and reviewed."""
    rows = conn.execute("SELECT DISTINCT actor, issue FROM positions WHERE article_id = $id UNION"
                        " SELECT DISTINCT actor, issue FROM review_state WHERE article_id = $id",
                        {"id": article_id}).fetchall()
    return {(a, i) for a, i in rows}


def lines_of(rows: Iterable[dict | None]) -> set[tuple[str, str]]:
    """The lines of these rows (dicts with actor and issue; None skipped)."""
    return {(r.get("actor"), r.get("issue")) for r in rows if r}


def refresh(conn, lines: Iterable[tuple[str, str]] | None = None) -> None:
    """Recompute the stored statement ids and shifts of these (actor, issue) lines; every line for None.

    Runs on the caller's connection (inside its transaction: the rows it just wrote are read)."""
    from core.filters import Filters
    from core.grouping import assign_statements
    from core.review import overlay_rows
    from core.shifts import detect_shifts

    if lines is not None:
        lines = {(a, i) for a, i in lines}
        if not lines:
            return
        actors, issues = sorted({a for a, _ in lines if a is not None}), sorted({i for _, i in lines if i is not None})
        rows = overlay_rows(conn, Filters(actor=tuple(actors), issue=tuple(issues))) if actors and issues else None
        if rows is not None:
            rows = rows[[pair in lines for pair in zip(rows["actor"], rows["issue"], strict=True)]]
        _forget(conn, lines)
    else:
        rows = overlay_rows(conn)
        conn.execute(f"DELETE FROM {STATEMENTS_TABLE}")
        conn.execute(f"DELETE FROM {SHIFTS_TABLE}")
    if rows is None or rows.empty:
        return
    rows = rows.drop_duplicates("position_id")   # one id, one statement (a review stands for its machine row)
    grouped = assign_statements(rows.reset_index(drop=True))
    ids = grouped[["position_id", "actor", "issue", "statement_id"]]
    _insert(conn, STATEMENTS_TABLE, ids)
    found = detect_shifts(grouped)
    if len(found):
        _insert(conn, SHIFTS_TABLE, found.assign(seq=range(len(found))))


def _forget(conn, lines: set[tuple[str, str]]) -> None:
    touched = pd.DataFrame(sorted(lines, key=str), columns=list(LINE), dtype="string")
    conn.register("touched_lines", touched)
    try:
        for table in (STATEMENTS_TABLE, SHIFTS_TABLE):
            conn.execute(f"DELETE FROM {table} WHERE (actor, issue) IN (SELECT actor, issue FROM touched_lines)")
    finally:
        conn.unregister("touched_lines")


def _insert(conn, table: str, df: pd.DataFrame) -> None:
    cols = ", ".join(f'"{c}"' for c in df.columns)
    conn.register("derived_rows", df)
    try:
        conn.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM derived_rows")
    finally:
        conn.unregister("derived_rows")


def stored_shifts(conn, *, actor: str | None = None, issue: str | None = None) -> pd.DataFrame:
    """The stored shifts (of one actor's or one issue's lines), as core.shifts.detect_shifts gives them."""
    from core.shifts import _empty_shifts

    conds, params = [], {}
    for name, value in (("actor", actor), ("issue", issue)):
        if value is not None:
            conds.append(f"{name} = ${name}")
            params[name] = value
    where = ("WHERE " + " AND ".join(conds)) if conds else ""
    cols = list(SHIFT_COLUMNS)
    found = conn.execute(f"SELECT {', '.join(cols)} FROM {SHIFTS_TABLE} {where}"
                         " ORDER BY to_date NULLS LAST, actor, issue, seq", params).fetchall()
    if not found:
        return _empty_shifts()
    # column by column from Python values, as detect_shifts builds its frame (same dtypes)
    return pd.DataFrame({c: list(values) for c, values in zip(cols, zip(*found, strict=True), strict=True)})
