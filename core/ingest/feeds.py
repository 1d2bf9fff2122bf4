"""Feeds as data: the followed feeds and sitemaps, what their items became, and the follow runs.

    add_feeds(store, ["https://example.org/rss"])   # [("https://example.org/rss", "added")]
    list_feeds(store)                               # DataFrame, one row per feed, with `health`

The tables (migration 012) are read and written in core.storage.feeds; this module decides what a
fetch means for a feed (backoff, health) and which statements share a transaction. Times are naive
UTC, written by Python (not DuckDB's current_timestamp, which follows the session's time zone).
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pandas as pd

from core.storage import feeds as feed_tables
from core.storage.articles import article_ids_since
from core.storage.feeds import FeedUpdate
from core.storage.store import Store

BACKOFF_BASE = dt.timedelta(minutes=15)   # after the first failure; doubled after each further one
BACKOFF_MAX = dt.timedelta(hours=24)
ITEM_RETRIES = 3   # an item whose page could not be fetched is tried again on this many runs


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def check_feed_url(url: str) -> str | None:
    """Why `url` cannot be a feed (not http(s), no host), or None. Addresses are vetted when fetched."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return "only http(s) URLs can be followed"
    if not parts.hostname:
        return "no host name"
    return None


def add_feeds(store: Store, urls: list[str]) -> list[tuple[str, str]]:
    """(url, "added" | "already followed" | why refused) for each URL."""
    out = []
    with store.transaction() as conn:
        for url in (u.strip() for u in urls):
            why = check_feed_url(url)
            if why is None and feed_tables.is_followed(conn, url):
                why = "already followed"
            if why is None:
                feed_tables.insert_feed(conn, url, utcnow())
            out.append((url, why or "added"))
    return out


def remove_feeds(store: Store, urls: list[str]) -> list[tuple[str, str]]:
    """(url, "removed" | "not followed"). The items' links to stored articles stay (provenance)."""
    out = []
    with store.transaction() as conn:
        for url in (u.strip() for u in urls):
            found = feed_tables.is_followed(conn, url)
            feed_tables.delete_feed(conn, url)
            out.append((url, "removed" if found else "not followed"))
    return out


def list_feeds(store: Store, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every feed, oldest first, with a `health` column: ok, failing, waiting, never fetched."""
    with store.connect() as conn:
        df = feed_tables.feed_rows(conn)
    df["health"] = [health(r, now or utcnow()) for r in df.to_dict("records")]
    return df


def health(feed: dict, now: dt.datetime) -> str:
    """A few words a user reads at a glance."""
    if pd.isna(feed.get("last_fetched_at")):
        return "never fetched"
    failures = int(feed.get("failures") or 0)
    if failures:
        retry = feed.get("next_retry_at")
        when = f"; retry after {pd.Timestamp(retry):%Y-%m-%d %H:%M} UTC" if not pd.isna(retry) and retry > now else ""
        return f"failing ({failures} in a row{when})"
    return "ok, with notes" if not pd.isna(feed.get("last_error")) and feed.get("last_error") else "ok"


def feeds_to_fetch(store: Store, now: dt.datetime) -> tuple[list[dict], list[dict]]:
    """(due, waiting): feeds whose backoff has passed, and those still backing off."""
    with store.connect() as conn:
        df = feed_tables.feed_rows(conn)
    rows = df.astype(object).where(df.notna(), None).to_dict("records")
    due = [r for r in rows if r["next_retry_at"] is None or r["next_retry_at"] <= now]
    return due, [r for r in rows if r not in due]


def next_retry(failures: int, now: dt.datetime) -> dt.datetime:
    """Exponential backoff: 15 min, 30 min, 1 h, ... at most a day."""
    return now + min(BACKOFF_BASE * (2 ** max(failures - 1, 0)), BACKOFF_MAX)


def record_feed(store: Store, url: str, u: FeedUpdate, now: dt.datetime) -> None:
    """Store one fetch's outcome: validators kept on success (and on a 304), backoff on failure."""
    with store.transaction() as conn:
        before = feed_tables.feed_failures(conn, url)
        if before is None:
            return  # removed while it was being fetched
        failures = 0 if u.ok else before + 1
        feed_tables.update_feed(conn, url, u, failures=failures, retry=None if u.ok else next_retry(failures, now),
                           now=now)


# -- items ------------------------------------------------------------------------

def known_items(store: Store, feed_url: str) -> dict[str, tuple[str, int]]:
    """{item url: (outcome, attempts)} for the items this feed listed before."""
    with store.connect() as conn:
        return feed_tables.item_outcomes(conn, feed_url)


def article_feeds(store: Store, article_id: str) -> list[str]:
    """The feeds that listed this article."""
    with store.connect() as conn:
        return feed_tables.feeds_listing(conn, article_id)


# -- runs -------------------------------------------------------------------------

def start_run(store: Store, run_id: str, now: dt.datetime) -> None:
    with store.transaction() as conn:
        feed_tables.insert_run(conn, run_id, now)


def finish_run(store: Store, run_id: str, counts: dict, summary: str, now: dt.datetime) -> None:
    with store.transaction() as conn:
        feed_tables.finish_run(conn, run_id, counts, summary, now)


def last_run(store: Store) -> dict | None:
    """The latest follow run that finished (its start is the dashboard's default 'since'), or None."""
    with store.connect() as conn:
        df = feed_tables.last_finished_run(conn)
    return df.astype(object).where(df.notna(), None).to_dict("records")[0] if len(df) else None


def recent_runs(store: Store, n: int = 10) -> pd.DataFrame:
    with store.connect() as conn:
        return feed_tables.latest_runs(conn, n)


def articles_added_since(store: Store, since: dt.datetime) -> list[str]:
    """Ids of the articles stored at or after `since` (naive UTC), whatever brought them in."""
    with store.connect() as conn:
        return article_ids_since(conn, since)


def feed_lines(store: Store) -> list[str]:
    """`feeds 3 (1 failing)` and the last follow run, for `python -m core stats`; nothing without feeds."""
    with store.connect() as conn:
        n, failing = feed_tables.feed_counts(conn)
    run = last_run(store)
    if not n and run is None:
        return []
    lines = [f"feeds      {n} ({failing} failing)"]
    if run is not None:
        lines.append(f"followed   {pd.Timestamp(run['started_at']):%Y-%m-%d %H:%M} UTC: {run['articles_added']}"
                     f" articles added, {run['positions_added']} positions, {run['refused']} refused")
    return lines
