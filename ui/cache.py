"""Every Streamlit cache of the dashboard, in one place.

The store handle and the spaCy model are resources (one per process); query
results are bounded `st.cache_data` entries keyed by the database path and the
filters' query string (the URL is the key) and the database's version
(core.storage.store.db_version: the file's and its .wal's size and time, changed by every
commit of any process, a command-line ingest included), instead of a time to live:
a read after a write misses the cache and sees the new rows, and a result computed
while a write landed is never served for the newer version. Entries of an older
version are dropped when a read first sees the new one (they only cost memory).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import parse_qs

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.analysis import grouping, negotiation, shifts, views
from core.filters import Filters, from_query, query_string
from core.ingest import feeds
from core.measure.accuracy import Accuracy, load_accuracy, trust_words, why_column
from core.paths import db_path
from core.present import charts
from core.storage.derived import stored_shifts
from core.storage.store import Store, db_version, open_store, read_only_reason
from ui import params

ACCURACY_TTL = 600    # seconds: a retrained model's figures show within ten minutes
QUERY_ENTRIES = 16    # distinct filter sets kept per function (a full 100,000-row result holds ~70 MB)

_SEEN: dict[str, tuple] = {}  # database path -> the version the cached results were read at
_SEEN_LOCK = threading.Lock()  # sessions run in threads


def db_key() -> str:
    """The database this session reads: $PARLEY_DB or the default (part of every cache key).

    Called before every cached read, so it is where a write by any process is noticed."""
    path = str(db_path())
    _forget_if_changed(path)
    return path


def version(path: str) -> str:
    """The database's version, as the last argument of every cached read (see the module docstring)."""
    return repr(db_version(path))


def _forget_if_changed(path: str) -> None:
    now = db_version(path)
    with _SEEN_LOCK:
        changed = _SEEN.get(path, now) != now
        _SEEN[path] = now
    if changed:
        clear()


def read_only() -> str | None:
    """Why this dashboard cannot write (PARLEY_READ_ONLY, a read-only file), or None."""
    return read_only_reason(db_key())


@st.cache_resource(show_spinner=False)
def _store(path: str, read_only: bool = False) -> Store:
    return open_store(path, read_only=read_only)


def _open(path: str) -> Store:
    return _store(path, read_only_reason(path) is not None)


def store() -> Store:
    return _open(db_key())


@st.cache_resource(show_spinner="Loading the language model…")
def model():
    """The spaCy pipeline the extractor uses, loaded once per server process."""
    from core.extract.nlp import load_nlp

    return load_nlp()


def _filters(qs: str) -> Filters:
    return from_query(parse_qs(qs.lstrip("?")))


# A resource, not cache_data: cache_data pickles the frame on the way in and unpickles a copy on every
# read (~0.15 s and ~0.04 s at 100,000 rows). Readers get a shallow copy (`positions`), which under
# pandas' copy-on-write cannot change the cached frame.
@st.cache_resource(max_entries=QUERY_ENTRIES, show_spinner=False)
def _positions(path: str, qs: str, reviewed_only: bool = False, include_rejected: bool = False,
               version: str = "") -> pd.DataFrame:
    """The one cached read of positions (reviews applied): every page, statements and shifts share it,
    so a filter set is queried and kept once, not once per module that needs it."""
    return _stored_ids(_read_positions(path, qs, reviewed_only, include_rejected))


def _read_positions(path: str, qs: str, reviewed_only: bool, include_rejected: bool) -> pd.DataFrame:
    from core.storage.review import query_positions  # reviews applied: edits shown, rejected hidden, review_status
    return query_positions(_open(path), _filters(qs), reviewed_only=reviewed_only,
                           include_rejected=include_rejected, statements=True)


def _stored_ids(df: pd.DataFrame) -> pd.DataFrame:
    # statement ids stored at write time (core.storage.derived); a row without one (a rejected row the Review page
    # lists) leaves grouping to the views
    return df if df["statement_id"].notna().all() else df.drop(columns="statement_id")


def review_positions(filters: Filters, *, reviewed_only: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the positions `filters` shows, reviewed ones only if `reviewed_only`; every one of them with the rejected
    ones too), the same frames as `positions` would return for each, for the Review page, which lists both."""
    path = db_key()
    shown, everything = _review_positions(path, query_string(filters), reviewed_only, version(path))
    return shown.copy(deep=False), everything.copy(deep=False)


def review_derived(name: str, filters: Filters, fn, *, reviewed_only: bool):
    """fn(the positions review_positions shows), kept as `derived` keeps its results: the Review page works out its
    queue from the rows it already read instead of reading the positions again."""
    path = db_key()
    return _review_derived(name, path, query_string(filters), reviewed_only, version(path), fn)


@st.cache_resource(max_entries=16, show_spinner=False)
def _review_derived(name: str, path: str, qs: str, reviewed_only: bool, version: str, _fn):
    shown, _ = _review_positions(path, qs, reviewed_only, version)
    return _fn(shown.copy(deep=False))


# Both out of one read, as a fresh server's read of 100,000 positions costs ~0.5 s: the shown rows are the
# rejected-too rows less the rejected (or unreviewed) ones, in the same order (core.storage.overlay.shown_rows).
@st.cache_resource(max_entries=QUERY_ENTRIES, show_spinner=False)
def _review_positions(path: str, qs: str, reviewed_only: bool, version: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    from core.storage.review import shown_rows
    everything = _read_positions(path, qs, False, True)
    shown = shown_rows(everything, reviewed_only).reset_index(drop=True)
    return _stored_ids(shown), _stored_ids(everything)


def positions(filters: Filters, *, reviewed_only: bool | None = None, include_rejected: bool = False) -> pd.DataFrame:
    """The positions matching `filters` (with the article's title, outlet, url, published).

    `reviewed_only` defaults to the URL's `?_reviewed=1`; `include_rejected` keeps rejected rows (Review page).
    """
    if reviewed_only is None:
        reviewed_only = is_reviewed_only()
    path = db_key()
    return _positions(path, query_string(filters), reviewed_only, include_rejected, version(path)).copy(deep=False)


# What a page works out of the positions (a chart's figure, a ledger, the article list…), kept like the
# positions themselves: per filter set and database version, shared by every session, so a reload or a
# shared link draws it instead of working it out again. `_fn` is not part of the key: `name` says what it is.
@st.cache_resource(max_entries=64, show_spinner=False)
def _derived(name: str, path: str, qs: str, reviewed_only: bool, version: str, _fn):
    return _fn(_positions(path, qs, reviewed_only, False, version).copy(deep=False))


def derived(name: str, filters: Filters, fn, *, reviewed_only: bool | None = None):
    """fn(the positions of `filters`), kept per filter set and database version (see _derived). `name` must
    say everything else fn depends on (a page's focus: `profile:Russia`). Callers only read what it returns."""
    if reviewed_only is None:
        reviewed_only = is_reviewed_only()
    path = db_key()
    return _derived(name, path, query_string(filters), reviewed_only, version(path), fn)


def is_reviewed_only() -> bool:
    """True when the URL asks for reviewed positions only (`?_reviewed=1`)."""
    return params.REVIEWED.read() == "1"


def reviewed_params() -> dict[str, str]:
    """`{"_reviewed": "1"}` while the switch is on: what a link must carry to keep it."""
    return {params.REVIEWED.name: "1"} if is_reviewed_only() else {}


@st.cache_data(max_entries=8, show_spinner=False)
def _facets(path: str, version: str = "") -> dict[str, list[str]]:
    return _open(path).facets()


def facets() -> dict[str, list[str]]:
    path = db_key()
    return _facets(path, version(path))


@st.cache_data(max_entries=8, show_spinner=False)
def _counts(path: str, version: str = "") -> dict:
    return _open(path).counts()


def counts() -> dict:
    path = db_key()
    return _counts(path, version(path))


# One read per database version, whatever the filters: which articles a view shows follows from its positions
# (share.article_list), so a filter change does not query the articles again (~80 ms at 100,000 positions).
@st.cache_data(max_entries=8, show_spinner=False)
def _articles(path: str, version: str = "") -> pd.DataFrame:
    return _open(path).articles()


def articles() -> pd.DataFrame:
    """Every stored article (title, outlet, published…), newest first."""
    path = db_key()
    return _articles(path, version(path))


@st.cache_data(max_entries=QUERY_ENTRIES, show_spinner=False)
def _article(path: str, article_id: str, version: str = "") -> tuple[dict | None, pd.DataFrame]:
    from core.storage.review import positions_for_article
    st_ = _open(path)
    return st_.article(article_id), positions_for_article(st_, article_id)


def article(article_id: str) -> tuple[dict | None, pd.DataFrame]:
    """One article's row (or None) and its positions in text order."""
    path = db_key()
    return _article(path, article_id, version(path))


def is_empty() -> bool:
    return counts().get("articles", 0) == 0


def clear() -> None:
    """Forget every query result: called after an ingest or a sample load changed the database."""
    for fn in (_positions, _review_positions, _review_derived, _derived, _facets, _counts, _articles, _article, _shifts, _statement_rows, _audit, _board):
        fn.clear()


def load_sample() -> object:
    """Fill an empty database with the bundled sample article, then clear the caches."""
    from core.ingest.sample import ensure_sample

    model()
    result = ensure_sample(store())
    clear()
    return result


# -- reads built on the cached positions: shifts, statements, the negotiation board -------------------------

def shift_table(filters: Filters, *, reviewed_only: bool = False, actor: str | None = None,
                issue: str | None = None) -> pd.DataFrame:
    """Shifts among the filtered positions; with `actor` or `issue`, only that actor's (issue's) lines.

    Shifts are found per actor-and-issue line, so detecting them on one actor's (issue's) rows gives
    exactly that actor's (issue's) shifts, at a fraction of the cost of detecting every line.
    """
    path = db_key()
    return _shifts(path, query_string(filters), reviewed_only, actor, issue, version(path)).copy(deep=False)


# A resource, as the positions are: cache_data unpickled every shift (with its two sentences) on every read.
@st.cache_resource(max_entries=32, show_spinner=False)
def _shifts(path: str, qs: str, only: bool, actor: str | None = None, issue: str | None = None,
            version: str = "") -> pd.DataFrame:
    if not qs and not only:  # the unfiltered view's shifts are stored at write time (core.storage.derived)
        with _open(path).connect() as conn:
            return stored_shifts(conn, actor=actor, issue=issue)
    df = _positions(path, qs, only, False, version).copy(deep=False)  # the cached frame itself stays untouched
    if actor:
        df = df[df["actor"] == actor]
    if issue:
        df = df[df["issue"] == issue]
    return shifts.detect_shifts(df)


TABLE_COLUMNS = ("date", "actor", "stance", "target", "issue", "speaker", "sentence", "outlet", "article_id",
                 "confidence", "cue", "rule_id", "review_status")
GROUPING_COLUMNS = ("position_id", "char_start", "quote", "statement_id")


@dataclass(frozen=True)
class StatementTable:
    """A positions table (statements, or every report) and its newest-first order: a page of it is taken out of
    the cached frame without sorting it again or moving the other rows. Readers only read it."""
    n_statements: int
    rows: pd.DataFrame
    order: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)

    def newest(self, start: int, stop: int) -> pd.DataFrame:
        """Rows start..stop-1 of the table, newest first."""
        return self.rows.iloc[self.order[start:stop]].reset_index(drop=True)


def statement_rows(filters: Filters, mode: str, *, reviewed_only: bool = False) -> StatementTable:
    """For a positions table: every row it pages through in this `mode` (one per statement, or every report),
    with the number of statements among the filtered positions."""
    path = db_key()
    return _statement_rows(path, query_string(filters), reviewed_only, mode, version(path))


def statement_table(df: pd.DataFrame, groups: pd.DataFrame, mode: str) -> pd.DataFrame:
    """The rows a positions table shows: one per statement (with `reports`), or every report;
    either way with `carried by`, the outlets that reported the same statement."""
    if mode == "statements":
        return groups.assign(reports=groups["n_reports"], **{"carried by": [", ".join(o) for o in groups["outlets"]]})
    outlets = {k: ", ".join(o) for keys, o in zip(groups["report_keys"], groups["outlets"], strict=True)
               for k in keys} if len(groups) else {}
    return df.assign(**{"carried by": [outlets.get(str(p), "") for p in df["position_id"]]})


# A resource, as the positions are: the whole table is kept so that any of its pages is a slice; cache_data
# would unpickle it on every page turn. Grouping's Python lists (outlets, report keys) are left out once
# "carried by" holds them as text: the table shows no other.
@st.cache_resource(max_entries=8, show_spinner=False)
def _statement_rows(path: str, qs: str, only: bool, mode: str, version: str = "") -> StatementTable:
    df = _positions(path, qs, only, False, version)
    # only what grouping and the table read: grouping moves whole rows, and 100,000 rows of every column cost
    df = df[[c for c in (*TABLE_COLUMNS, *GROUPING_COLUMNS) if c in df.columns]]
    groups = grouping.statements(df, lists=("outlets",) if mode == "statements" else ("outlets", "report_keys"))
    table = statement_table(df, groups, mode).drop(columns=["outlets", "report_keys"], errors="ignore")
    return StatementTable(len(groups), table, views.newest_order(table))


def board(filters: Filters, issue: str, side_a: tuple[str, ...], side_b: tuple[str, ...], *,
          statements: bool, title: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, go.Figure]:
    """The negotiation board, worked out once per filter set, issue and sides, not on every rerun: (every
    report on the board, the moves shown — statements or reports — with trust words, their pairs, the
    two-lane chart: a dot per move, or moves counted per week when the board is dense)."""
    path = db_key()
    return _board(path, query_string(filters), is_reviewed_only(), issue, tuple(side_a), tuple(side_b),
                  statements, title, version(path))


# A resource, as the positions are: a chart of thousands of hovers is not pickled on every read.
# Readers only read what it returns.
@st.cache_resource(max_entries=16, show_spinner=False)
def _board(path: str, qs: str, only: bool, issue: str, side_a: tuple[str, ...], side_b: tuple[str, ...],
           statements: bool, title: str, version: str = "") -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, go.Figure]:
    df = _positions(path, qs, only, False, version)
    df = df[(df["issue"] == issue) & df["actor"].isin(side_a + side_b)]   # the board's rows alone: one take, not three
    reports = negotiation.board(df, issue, side_a, side_b)
    moves = negotiation.board(df, issue, side_a, side_b, statements=True) if statements else reports
    moves = with_trust(moves)
    figure = (charts.negotiation_counts_chart(negotiation.weekly_counts(moves), title) if negotiation.is_dense(moves)
              else charts.negotiation_chart(moves, title))
    return reports, moves, negotiation.replies(moves), figure


# -- the audit trail, the model's measured accuracy, the follower's runs ----------------------------------

def audit() -> pd.DataFrame:
    path = db_key()
    return _audit(path, version(path))


@st.cache_data(max_entries=4, show_spinner=False)
def _audit(path: str, version: str = "") -> pd.DataFrame:
    from core.storage.review import audit_trail

    return audit_trail(_open(path))


def accuracy() -> Accuracy:
    return _accuracy()


# Not from the database, so not keyed on its version: the model's report changes when it is retrained.
@st.cache_data(max_entries=1, ttl=ACCURACY_TTL, show_spinner=False)
def _accuracy() -> Accuracy:
    return load_accuracy()


def with_trust(df: pd.DataFrame) -> pd.DataFrame:
    """The rows with `trust` (likely / uncertain / reviewed, by the measured precision table) and `why`
    (cue and rule): what a list, table or hover shows beside each row."""
    return df.assign(trust=trust_words(df, accuracy()), why=why_column(df))


def last_follow_run() -> dict | None:
    path = db_key()
    return _last_run(path, version(path))


def articles_added_since(since) -> list[str]:
    path = db_key()
    return _added_since(path, since, version(path))


# Keyed on the database version: a follow run is another process, and what it wrote shows on the next
# page run, not after a time to live.
@st.cache_data(max_entries=4, show_spinner=False)
def _last_run(path: str, version: str = "") -> dict | None:
    return feeds.last_run(_open(path))


@st.cache_data(max_entries=16, show_spinner=False)
def _added_since(path: str, since, version: str = "") -> list[str]:
    return feeds.articles_added_since(_open(path), since)
