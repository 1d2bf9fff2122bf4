"""Statement ids and shifts, worked out when positions are written instead of on every view.

Grouping reports into statements (core.analysis.grouping) and finding shifts (core.analysis.shifts) read every row a view
shows: at 100,000 positions about 0.5 s and 0.35 s per view. Both are stored instead (migration 014):

* `position_statements`: each row the dashboard shows (reviews applied, rejected rows left out) with its
  `statement_id`, as core.analysis.grouping.assign_statements gives it over all those rows;
* `shifts`: every shift core.analysis.shifts.detect_shifts finds among them (its columns; `seq` keeps its order).

The writers keep them current, in the transaction of their write: ingest and re-extraction through
core.storage.store.replace_positions, and each review decision (core.storage.review). A write refreshes only the position
lines (actor, issue) it touched, before and after: grouping never joins rows of two actors or issues, and
shifts are found line by line, so a refreshed line equals a full recomputation.

What they mean for a filtered view: a statement is grouped once, over every shown position, and a filter
shows those of its reports that match (a filter on actor, stance, issue or target keeps or drops whole
statements, so nothing changes there). The stored shifts are the unfiltered view's; a filtered view finds
its own shifts (core.analysis.shifts over the stored statement ids, so without grouping again).
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from core.storage.overlay import STATEMENTS_TABLE, overlay_rows
from core.storage.store import replace_positions as write_positions

SHIFTS_TABLE = "shifts"
LINE = ("actor", "issue")
# core.analysis.shifts' shift frame: its columns in order, and their SQL types (lists of outlets as VARCHAR[])
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


def replace_positions(conn, article_id: str, df: pd.DataFrame, *, extractor_version: str | None = None) -> int:
    """core.storage.store.replace_positions, then the stored statement ids and shifts of every line the
    article stood on before or stands on now, in the same transaction. Returns rows written."""
    lines = lines_of_article(conn, article_id)
    n = write_positions(conn, article_id, df, extractor_version=extractor_version)
    refresh(conn, lines | lines_of_article(conn, article_id))
    return n


def refresh(conn, lines: Iterable[tuple[str, str]] | None = None) -> None:
    """Recompute the stored statement ids and shifts of these (actor, issue) lines; every line for None.

    Runs on the caller's connection (inside its transaction: the rows it just wrote are read)."""
    from core.analysis.grouping import assign_statements
    from core.analysis.shifts import detect_shifts
    from core.filters import Filters

    if lines is not None:
        lines = {(a, i) for a, i in lines}
        if not lines:
            return
        actors, issues = sorted({a for a, _ in lines if a is not None}), sorted({i for _, i in lines if i is not None})
        rows = overlay_rows(conn, Filters(actor=tuple(actors), issue=tuple(issues))) if actors and issues else None
        if rows is not None:
            rows = rows[[pair in lines for pair in zip(rows["actor"], rows["issue"], strict=True)]]
    else:
        rows = overlay_rows(conn)
    if rows is None or rows.empty:
        ids, found = pd.DataFrame(columns=["position_id", *LINE, "statement_id"]), pd.DataFrame(columns=SHIFT_COLUMNS)
    else:
        rows = rows.drop_duplicates("position_id")   # one id, one statement (a review stands for its machine row)
        grouped = assign_statements(rows.reset_index(drop=True))
        ids = grouped[["position_id", *LINE, "statement_id"]]
        found = detect_shifts(grouped)
    # only what changed is written: a write touches few of the rows of the (long) lines it stands on
    _replace(conn, STATEMENTS_TABLE, lines, ids, ["position_id"])
    seq = found.groupby(list(LINE), sort=False).cumcount() if len(found) else []
    _replace(conn, SHIFTS_TABLE, lines, found.assign(seq=seq), [*LINE, "seq"])


def _replace(conn, table: str, lines: set | None, new: pd.DataFrame, key: list[str]) -> None:
    """Make the table's rows of these lines (all rows for None) those of `new`, writing only the rows that differ."""
    cols = list(new.columns)
    where = "" if lines is None else " WHERE (actor, issue) IN (SELECT actor, issue FROM touched_lines)"
    with _registered(conn, "touched_lines", _lines_frame(lines or set())):
        old = conn.execute(f"SELECT {', '.join(cols)} FROM {table}{where}").df()
    old_keys, new_keys = _row_keys(old, cols), _row_keys(new, cols)
    gone = old[~old_keys.isin(set(new_keys)).to_numpy()]
    added = new[~new_keys.isin(set(old_keys)).to_numpy()]
    if len(gone):
        cond = " AND ".join(f'{table}."{k}" = gone_rows."{k}"' for k in key)
        with _registered(conn, "gone_rows", gone[key].reset_index(drop=True)):
            conn.execute(f"DELETE FROM {table} USING gone_rows WHERE {cond}")
    if len(added):
        _insert(conn, table, added.reset_index(drop=True))


def _row_keys(df: pd.DataFrame, cols: list[str]) -> pd.Series:
    """Each row as one comparable text (numpy and Python values, lists and arrays, NA and None alike)."""
    values = [[_plain(v) for v in df[c].tolist()] for c in cols]
    return pd.Series([repr(row) for row in zip(*values, strict=True)] if cols else [], index=df.index, dtype=object)


def _plain(value):
    if isinstance(value, np.ndarray | list | tuple):
        return tuple(_plain(v) for v in value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _lines_frame(lines: set) -> pd.DataFrame:
    return pd.DataFrame(sorted(lines, key=str), columns=list(LINE), dtype="string")


class _registered:
    """A DataFrame visible to SQL under `name` inside the block."""

    def __init__(self, conn, name: str, df: pd.DataFrame):
        self.conn, self.name, self.df = conn, name, df

    def __enter__(self):
        self.conn.register(self.name, self.df)

    def __exit__(self, *exc):
        self.conn.unregister(self.name)


def _insert(conn, table: str, df: pd.DataFrame) -> None:
    cols = ", ".join(f'"{c}"' for c in df.columns)
    with _registered(conn, "derived_rows", df):
        conn.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM derived_rows")


def stored_shifts(conn, *, actor: str | None = None, issue: str | None = None) -> pd.DataFrame:
    """The stored shifts (of one actor's or one issue's lines), as core.analysis.shifts.detect_shifts gives them."""
    from core.analysis.shifts import _empty_shifts

    conds, params = [], {}
    for name, value in (("actor", actor), ("issue", issue)):
        if value is not None:
            conds.append(f"{name} = ${name}")
            params[name] = value
    where = ("WHERE " + " AND ".join(conds)) if conds else ""
    cols = list(SHIFT_COLUMNS)
    table = conn.sql(f"SELECT {', '.join(cols)} FROM {SHIFTS_TABLE} {where}"
                     " ORDER BY to_date NULLS LAST, actor, issue, seq", params=params).to_arrow_table()
    if not table.num_rows:
        return _empty_shifts()
    # as detect_shifts builds its frame: strings and lists as Python objects (None when missing)
    out = table.to_pandas()
    for field in table.schema:   # lists, and text columns Arrow did not give as Python objects (all missing)
        if pa.types.is_list(field.type) or (pa.types.is_string(field.type) and out[field.name].dtype != object):
            out[field.name] = table.column(field.name).to_pylist()
    return out
