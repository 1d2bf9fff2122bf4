"""Same statement, many reports: group positions that state the same thing.

Many outlets report one statement (Lavrov's words of 14 February appear in
several articles). Two positions are *reports of one statement* when

1. they have the same actor, stance, issue and target (a missing target
   only matches a missing target), and
2. their dates are at most `max_days` apart (a month- or year-precision date
   counts as its whole period, so `2021-12` is 0 days from `2021-12-14`), and
3. their wording is similar: the rapidfuzz token-set ratio of their quotes
   (when both have one) or of their sentences is at least `min_similarity`.

Grouping is single-link: if A matches B and B matches C, all three are one
statement. Each statement gets a stable `statement_id` (the smallest report key
in it), so a link or a test can name it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, utils

KEY_COLUMNS = ("actor", "stance", "issue", "target")
MAX_DAYS = 3
MIN_SIMILARITY = 70.0


@dataclass(frozen=True)
class GroupingRule:
    max_days: int = MAX_DAYS
    min_similarity: float = MIN_SIMILARITY


def date_span(value) -> tuple[dt.date, dt.date] | None:
    """The first and last day a `YYYY-MM-DD`, `YYYY-MM` or `YYYY` date may mean."""
    text = "" if value is None or pd.isna(value) else str(value).strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return day, day
        if len(text) == 7:
            start = dt.date(int(text[:4]), int(text[5:7]), 1)
            nxt = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
            return start, nxt - dt.timedelta(days=1)
        if len(text) == 4:
            return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
    except ValueError:
        return None
    return None


def days_apart(a, b) -> int | None:
    """Days between two (possibly coarse) dates; 0 when their periods overlap."""
    sa, sb = date_span(a), date_span(b)
    if sa is None or sb is None:
        return None
    if sa[1] < sb[0]:
        return (sb[0] - sa[1]).days
    if sb[1] < sa[0]:
        return (sa[0] - sb[1]).days
    return 0


def similarity(a: dict, b: dict) -> float:
    """Token-set ratio (0-100) of the quotes when both have one, else of the sentences."""
    qa, qb = _text(a.get("quote")), _text(b.get("quote"))
    if qa and qb:
        return fuzz.token_set_ratio(qa, qb, processor=utils.default_process)
    return fuzz.token_set_ratio(_text(a.get("sentence")), _text(b.get("sentence")),
                                processor=utils.default_process)


def same_statement(a: dict, b: dict, rule: GroupingRule = GroupingRule()) -> bool:
    if any(_text(a.get(c)) != _text(b.get(c)) for c in KEY_COLUMNS):
        return False
    gap = days_apart(a.get("date"), b.get("date"))
    if gap is None or gap > rule.max_days:
        return False
    return similarity(a, b) >= rule.min_similarity


def assign_statements(df: pd.DataFrame, rule: GroupingRule = GroupingRule()) -> pd.DataFrame:
    """A copy of df with a `statement_id` column; rows of one statement share it."""
    out = df.copy()
    if out.empty:
        out["statement_id"] = pd.Series(dtype="string")
        return out
    keys = _report_keys(out)
    rows = records_of(out, ("sentence", "quote"))
    parent = list(range(len(out)))
    for i, j in _close_pairs(out, rule.max_days):
        if _find(parent, i) != _find(parent, j) and similarity(rows[i], rows[j]) >= rule.min_similarity:
            parent[_find(parent, j)] = _find(parent, i)
    roots = [_find(parent, i) for i in range(len(out))]
    first_key: dict[int, str] = {}
    for i, root in enumerate(roots):
        first_key[root] = min(first_key.get(root, keys[i]), keys[i])
    out["statement_id"] = pd.array([f"s:{first_key[r]}" for r in roots], dtype="string")
    return out


def _close_pairs(df: pd.DataFrame, max_days: int):
    """(i, j) row positions with the same key columns and dates at most max_days apart.

    Vectorised up to the scan: rows are sorted by key bucket then first day, so each row
    is compared only with the next rows of its bucket that start within the window, and
    a row alone in its bucket costs one comparison of integers.
    """
    start, end = _day_numbers(df["date"])
    bucket = df[list(KEY_COLUMNS)].astype("string").fillna("").groupby(
        list(KEY_COLUMNS), sort=False, dropna=False).ngroup().to_numpy()
    known = ~np.isnan(start)
    order = [int(i) for i in np.lexsort((start, bucket)) if known[i]]
    b, st, en = bucket.tolist(), start.tolist(), end.tolist()
    n = len(order)
    for pos, i in enumerate(order):
        nxt = pos + 1
        # sorted by start: once j is in another bucket or starts too late, so do all after it
        while nxt < n and b[order[nxt]] == b[i] and st[order[nxt]] - en[i] <= max_days:
            yield i, order[nxt]
            nxt += 1


def _day_numbers(dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """First and last day (days since 1970) each date may mean; NaN when it is not a date."""
    text = dates.astype("string").fillna("").str.strip()
    length = text.str.len()
    day = pd.to_datetime(text.where(length == 10), format="%Y-%m-%d", errors="coerce")
    month = pd.to_datetime(text.where(length == 7) + "-01", format="%Y-%m-%d", errors="coerce")
    year = pd.to_datetime(text.where(length == 4) + "-01-01", format="%Y-%m-%d", errors="coerce")
    first = day.fillna(month).fillna(year)
    last = day.fillna(month + pd.offsets.MonthEnd(0)).fillna(year + pd.offsets.YearEnd(0))
    epoch = pd.Timestamp("1970-01-01")
    return ((first - epoch).dt.days.to_numpy(dtype=float, na_value=np.nan),
            (last - epoch).dt.days.to_numpy(dtype=float, na_value=np.nan))


def statements(df: pd.DataFrame, rule: GroupingRule = GroupingRule()) -> pd.DataFrame:
    """One row per statement: the earliest report's fields, plus its reports and outlets.

    Added columns: `statement_id`, `n_reports`, `outlets` (sorted, distinct),
    `article_ids` and `report_keys` (lists, in date order).
    """
    grouped = df if "statement_id" in df.columns else assign_statements(df, rule)
    if grouped.empty:
        return grouped.assign(n_reports=pd.Series(dtype="Int64"), outlets=None, article_ids=None, report_keys=None)
    keys = _report_keys(grouped)
    order = pd.DataFrame({"d": grouped["date"].astype("string").fillna("").to_numpy(), "k": keys}).sort_values(
        ["d", "k"], kind="stable").index.tolist()
    blank = pd.Series([""] * len(grouped), index=grouped.index)
    outlets = (grouped["outlet"] if "outlet" in grouped.columns else blank).astype("string").fillna("").tolist()
    articles = grouped["article_id"].astype("string").fillna("").tolist()
    ids = grouped["statement_id"].tolist()
    first: dict[str, int] = {}
    agg: dict[str, dict] = {}
    # One pass in date order, plain Python: pandas groupby with list aggregates is far slower here.
    for i in order:
        sid = ids[i]
        entry = agg.get(sid)
        if entry is None:
            first[sid] = i
            entry = agg[sid] = {"n_reports": 0, "outlets": set(), "article_ids": {}, "report_keys": []}
        entry["n_reports"] += 1
        if outlets[i]:
            entry["outlets"].add(outlets[i])
        if articles[i]:
            entry["article_ids"][articles[i]] = None
        entry["report_keys"].append(keys[i])
    out = grouped.iloc[list(first.values())].reset_index(drop=True)
    sids = list(first)
    out["n_reports"] = [agg[s]["n_reports"] for s in sids]
    out["outlets"] = [sorted(agg[s]["outlets"]) for s in sids]
    out["article_ids"] = [list(agg[s]["article_ids"]) for s in sids]
    out["report_keys"] = [agg[s]["report_keys"] for s in sids]
    return out.sort_values(["date", "statement_id"], kind="stable", ignore_index=True)


def with_statements(df: pd.DataFrame, rule: GroupingRule = GroupingRule()) -> pd.DataFrame:
    """Every row kept, plus its `statement_id`, the statement's `n_reports` and `statement_outlets`
    (all outlets that carried the same statement): for a Positions table that shows who carried each."""
    grouped = df if "statement_id" in df.columns else assign_statements(df, rule)
    if grouped.empty:
        return grouped.assign(n_reports=pd.Series(dtype="Int64"), statement_outlets=None)
    table = statements(grouped, rule).set_index("statement_id")
    return grouped.assign(n_reports=grouped["statement_id"].map(table["n_reports"]).astype("Int64"),
                          statement_outlets=grouped["statement_id"].map(table["outlets"]))


def count(df: pd.DataFrame, rule: GroupingRule = GroupingRule()) -> dict[str, int]:
    """{"statements": n, "reports": m}: how many distinct statements the rows report."""
    if df.empty:
        return {"statements": 0, "reports": 0}
    grouped = df if "statement_id" in df.columns else assign_statements(df, rule)
    return {"statements": int(grouped["statement_id"].nunique()), "reports": len(grouped)}


def _report_keys(df: pd.DataFrame) -> list[str]:
    """A report's own key: its position_id when the store gave one, else article and offset."""
    if "position_id" in df.columns and df["position_id"].notna().all():
        return [str(v) for v in df["position_id"]]
    starts = df["char_start"] if "char_start" in df.columns else pd.Series(range(len(df)), index=df.index)
    return [f"{a}#{s}#{n}" for n, (a, s) in enumerate(zip(df["article_id"], starts, strict=True))]


def records_of(df: pd.DataFrame, columns) -> list[dict]:
    """Row dicts of the given columns (those present), NA as None; much faster than DataFrame.to_dict."""
    cols = [c for c in dict.fromkeys(columns) if c in df.columns]
    values = [_plain_list(df[c]) for c in cols]
    return [dict(zip(cols, row, strict=True)) for row in zip(*values, strict=True)] if cols else [{}] * len(df)


def _plain_list(col: pd.Series) -> list:
    """The column's values as Python objects, missing ones as None."""
    if col.dtype == object:
        return [None if v is None or (not isinstance(v, (str, list, dict)) and pd.isna(v)) else v
                for v in col.tolist()]
    mask = col.isna().tolist()
    return [None if m else v for v, m in zip(col.astype(object).tolist(), mask, strict=True)]


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


