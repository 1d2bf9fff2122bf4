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

import contextlib
import datetime as dt
import gc
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process, utils
from scipy import sparse
from scipy.sparse import csgraph

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
    keys = np.array(_report_keys(out), dtype=object)
    left, right = _close_pairs(out, rule.max_days)
    linked = _similarities(out, left, right) >= rule.min_similarity
    # Single-link groups are the connected components of the similar close pairs.
    n = len(out)
    graph = sparse.coo_matrix((np.ones(int(linked.sum()), dtype=np.int8), (left[linked], right[linked])), shape=(n, n))
    labels = csgraph.connected_components(graph, directed=False)[1]
    first_key = pd.Series(keys).groupby(labels).transform("min")
    out["statement_id"] = pd.array(("s:" + first_key).tolist(), dtype="string")
    return out


def _close_pairs(df: pd.DataFrame, max_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (i, j) with the same key columns and dates at most max_days apart.

    Rows are sorted by key bucket then first day; each row pairs with the next rows of its
    bucket that start within max_days of its last day (found with one searchsorted).
    """
    start, end = _day_numbers(df["date"])
    bucket = df[list(KEY_COLUMNS)].astype("string").fillna("").groupby(
        list(KEY_COLUMNS), sort=False, dropna=False).ngroup().to_numpy()
    known = ~np.isnan(start)
    order = np.lexsort((start, bucket))
    order = order[known[order]]
    # bucket and day folded into one sortable number (days since 1970 of years 1..9999 fit in +-3e6)
    span, shift = 1e7, 4e6
    sorted_key = bucket[order] * span + start[order] + shift
    limit = bucket[order] * span + end[order] + max_days + shift
    stop = np.searchsorted(sorted_key, limit, side="right")
    pos = np.arange(len(order))
    counts = np.maximum(stop - pos - 1, 0)
    first = np.repeat(pos, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return order[first], order[first + 1 + offsets]


def _similarities(df: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """similarity() of each pair (left[k], right[k]), scoring each distinct pair of texts once."""
    if not len(left):
        return np.zeros(0)
    n = len(df)
    quotes = _stripped(df["quote"]) if "quote" in df.columns else pa.array([""] * n, pa.string())
    # one code per distinct text, in Arrow: only the distinct texts become Python strings
    encoded = pc.dictionary_encode(pa.concat_arrays([quotes, _stripped(df["sentence"])]))
    codes, texts = encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()
    quote_code, sentence_code = codes[:n], codes[n:]
    has_quote = pc.not_equal(quotes, "").to_numpy(zero_copy_only=False)
    # the quotes when both have one, else the sentences (as similarity() does)
    both = has_quote[left] & has_quote[right]
    a = np.where(both, quote_code[left], sentence_code[left]).astype(np.int64)
    b = np.where(both, quote_code[right], sentence_code[right]).astype(np.int64)
    pairs, inverse = np.unique(a * len(texts) + b, return_inverse=True)
    scores = process.cpdist([texts[i] for i in pairs // len(texts)], [texts[i] for i in pairs % len(texts)],
                            scorer=fuzz.token_set_ratio, processor=utils.default_process,
                            dtype=np.float64, workers=-1)
    return scores[inverse.ravel()]


def _stripped(col: pd.Series) -> pa.Array:
    """_text() of every value, as an Arrow string array."""
    if pd.api.types.is_string_dtype(col.dtype):  # the usual case: strip in one vectorised call
        return pa.array(col.astype("string").fillna("").str.strip(), pa.string())
    return pa.array([_text(v) for v in _plain_list(col)], pa.string())


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


LISTS = ("outlets", "article_ids", "report_keys")


def statements(df: pd.DataFrame, rule: GroupingRule = GroupingRule(), *, lists: tuple[str, ...] = LISTS) -> pd.DataFrame:
    """One row per statement: the earliest report's fields, plus its reports and outlets.

    Added columns: `statement_id`, `n_reports`, and those of `lists` asked for: `outlets` (sorted,
    distinct), `article_ids` and `report_keys` (lists, in date order). A Python list per statement is
    the slow part at 100,000 rows, so callers ask only for the lists they read.
    """
    grouped = df if "statement_id" in df.columns else assign_statements(df, rule)
    if grouped.empty:
        return grouped.assign(n_reports=pd.Series(dtype="Int64"), **{c: None for c in lists})
    keys = np.array(_report_keys(grouped), dtype=object)
    dates = grouped["date"].astype("string")
    sid = grouped["statement_id"].to_numpy(dtype=object)
    # date order: the first report's fields stand for the statement
    by_date = _sort_order(dates.fillna("").to_numpy(dtype=object), keys)
    code, sids = pd.factorize(sid[by_date])
    by_code = np.argsort(code, kind="stable")
    rows, code = by_date[by_code], code[by_code]   # reports grouped by statement, each group in date order
    first = rows[np.r_[True, code[1:] != code[:-1]]]
    # the statements in their final order (date, statement_id); one with no date sorts last
    final = _sort_order(dates.iloc[first].to_numpy(dtype=object, na_value=None), sid[first])
    out = grouped.iloc[first[final]].reset_index(drop=True)
    out["n_reports"] = np.bincount(code, minlength=len(sids))[final]
    if "outlets" in lists:
        outlet = _column_text(grouped, "outlet")[rows]
        out["outlets"] = _distinct_lists(code, outlet, len(sids), final, sort=True)
    if "article_ids" in lists:
        article = _column_text(grouped, "article_id")[rows]
        out["article_ids"] = _distinct_lists(code, article, len(sids), final, sort=False)
    if "report_keys" in lists:
        out["report_keys"] = _lists_by_code(code, keys[rows], len(sids), final)
    return out


def _sort_order(first: np.ndarray, then: np.ndarray) -> np.ndarray:
    """Stable order of rows by two string columns, missing values last (Arrow sorts strings many times
    faster than pandas)."""
    table = pa.table({"a": pa.array(first, pa.string()), "b": pa.array(then, pa.string())})
    return pc.sort_indices(table, sort_keys=[("a", "ascending"), ("b", "ascending")]).to_numpy()  # nulls: at end


def _column_text(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), "", dtype=object)
    return df[col].astype("string").fillna("").to_numpy(dtype=object)


def _distinct_lists(code: np.ndarray, values: np.ndarray, n: int, order: np.ndarray, *, sort: bool) -> list[list]:
    """Per statement, its distinct non-blank values: sorted, or in the order they first appear."""
    value_code, uniques = pd.factorize(values, sort=True)
    pair = code.astype(np.int64) * (len(uniques) + 1) + value_code
    _, first = np.unique(pair, return_index=True)
    first = first[values[first] != ""]
    if not sort:
        first = np.sort(first)   # rows are grouped by statement, in date order: first appearance order
    return _lists_by_code(code[first], values[first], n, order)


def _lists_by_code(code: np.ndarray, values: np.ndarray, n: int, order: np.ndarray) -> list[list]:
    """values split into lists by group code (codes 0..n-1, sorted ascending; a missing code gives []),
    one list per code in `order`."""
    bounds = np.searchsorted(code, np.arange(n + 1))
    flat = values.tolist()
    with gc_paused():  # Python ints slice faster than numpy ones
        return [flat[lo:hi] for lo, hi in zip(bounds[:-1][order].tolist(), bounds[1:][order].tolist(), strict=True)]


@contextlib.contextmanager
def gc_paused():
    """Build many small lists or dicts without the cycle collector: each of its passes walks every
    object alive (a 100,000-row frame's strings included), and these containers hold no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
        ids = df["position_id"]
        return ids.astype("string").tolist() if pd.api.types.is_string_dtype(ids.dtype) else [str(v) for v in ids]
    starts = df["char_start"] if "char_start" in df.columns else pd.Series(range(len(df)), index=df.index)
    return [f"{a}#{s}#{n}" for n, (a, s) in enumerate(zip(df["article_id"], starts, strict=True))]


def records_of(df: pd.DataFrame, columns) -> list[dict]:
    """Row dicts of the given columns (those present), NA as None; much faster than DataFrame.to_dict."""
    cols = [c for c in dict.fromkeys(columns) if c in df.columns]
    values = [_plain_list(df[c]) for c in cols]
    with gc_paused():
        return [dict(zip(cols, row, strict=True)) for row in zip(*values, strict=True)] if cols else [{}] * len(df)


def _plain_list(col: pd.Series) -> list:
    """The column's values as Python objects, missing ones as None."""
    if col.dtype == object:
        return [None if v is None or (not isinstance(v, (str, list, dict)) and pd.isna(v)) else v
                for v in col.tolist()]
    mask = col.isna().tolist()
    return [None if m else v for v, m in zip(col.astype(object).tolist(), mask, strict=True)]


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


