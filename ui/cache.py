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
from urllib.parse import parse_qs

import pandas as pd
import streamlit as st

from core.filters import Filters, from_query, query_string
from core.paths import db_path
from core.storage.store import Store, db_version, open_store, read_only_reason

REVIEWED_PARAM = "_reviewed"  # ?_reviewed=1: only positions a reviewer accepted, edited or added (every page)
# Kept for code written against it (another branch may add a cache with ttl=QUERY_TTL); these caches
# follow the database version instead, and a new read of the database should too.
QUERY_TTL = 600
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
    from core.storage.review import query_positions  # reviews applied: edits shown, rejected hidden, review_status
    return query_positions(_open(path), _filters(qs), reviewed_only=reviewed_only,
                           include_rejected=include_rejected)


def positions(filters: Filters, *, reviewed_only: bool | None = None, include_rejected: bool = False) -> pd.DataFrame:
    """The positions matching `filters` (with the article's title, outlet, url, published).

    `reviewed_only` defaults to the URL's `?_reviewed=1`; `include_rejected` keeps rejected rows (Review page).
    """
    if reviewed_only is None:
        reviewed_only = is_reviewed_only()
    path = db_key()
    return _positions(path, query_string(filters), reviewed_only, include_rejected, version(path)).copy(deep=False)


def is_reviewed_only() -> bool:
    """True when the URL asks for reviewed positions only (`?_reviewed=1`)."""
    return st.query_params.get(REVIEWED_PARAM) == "1"


def reviewed_params() -> dict[str, str]:
    """`{"_reviewed": "1"}` while the switch is on: what a link must carry to keep it."""
    return {REVIEWED_PARAM: "1"} if is_reviewed_only() else {}


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


@st.cache_data(max_entries=QUERY_ENTRIES, show_spinner=False)
def _articles(path: str, qs: str, version: str = "") -> pd.DataFrame:
    return _open(path).articles(_filters(qs))


def articles(filters: Filters) -> pd.DataFrame:
    path = db_key()
    return _articles(path, query_string(filters), version(path))


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
    for fn in (_positions, _facets, _counts, _articles, _article):
        fn.clear()
    from ui import reviewing  # its cached reads carry review status too
    reviewing.clear_own()


def load_sample() -> object:
    """Fill an empty database with the bundled sample article, then clear the caches."""
    from core.ingest.sample import ensure_sample

    model()
    result = ensure_sample(store())
    clear()
    return result
