"""Feeds as data: the followed feeds and sitemaps, what their items became, and the follow runs.

    add_feeds(store, ["https://example.org/rss"])   # [("https://example.org/rss", "added")]
    list_feeds(store)                               # DataFrame, one row per feed, with `health`

Tables from migration 012. Times are naive UTC, written by Python (not DuckDB's
current_timestamp, which follows the session's time zone).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd

from core.storage.store import Store, fetch_frame, fetch_one

BACKOFF_BASE = dt.timedelta(minutes=15)   # after the first failure; doubled after each further one
BACKOFF_MAX = dt.timedelta(hours=24)
ITEM_RETRIES = 3   # an item whose page could not be fetched is tried again on this many runs
FEED_COLUMNS = ("url", "kind", "title", "added_at", "last_fetched_at", "etag", "last_modified", "body_hash",
                "last_error", "failures", "next_retry_at", "items_seen", "articles_added", "duplicates", "refused")


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
            if why is None and fetch_one(conn, "SELECT 1 FROM feeds WHERE url = $url", {"url": url}):
                why = "already followed"
            if why is None:
                conn.execute("INSERT INTO feeds (url, added_at) VALUES ($url, $now)", {"url": url, "now": utcnow()})
            out.append((url, why or "added"))
    return out


def remove_feeds(store: Store, urls: list[str]) -> list[tuple[str, str]]:
    """(url, "removed" | "not followed"). The items' links to stored articles stay (provenance)."""
    out = []
    with store.transaction() as conn:
        for url in (u.strip() for u in urls):
            found = fetch_one(conn, "SELECT 1 FROM feeds WHERE url = $url", {"url": url})
            conn.execute("DELETE FROM feeds WHERE url = $url", {"url": url})
            out.append((url, "removed" if found else "not followed"))
    return out


def list_feeds(store: Store, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every feed, oldest first, with a `health` column: ok, failing, waiting, never fetched."""
    with store.connect() as conn:
        df = fetch_frame(conn, f"SELECT {', '.join(FEED_COLUMNS)} FROM feeds ORDER BY added_at, url", {})
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
        df = fetch_frame(conn, f"SELECT {', '.join(FEED_COLUMNS)} FROM feeds ORDER BY added_at, url", {})
    rows = df.astype(object).where(df.notna(), None).to_dict("records")
    due = [r for r in rows if r["next_retry_at"] is None or r["next_retry_at"] <= now]
    return due, [r for r in rows if r not in due]


def next_retry(failures: int, now: dt.datetime) -> dt.datetime:
    """Exponential backoff: 15 min, 30 min, 1 h, ... at most a day."""
    return now + min(BACKOFF_BASE * (2 ** max(failures - 1, 0)), BACKOFF_MAX)


@dataclass(frozen=True)
class FeedUpdate:
    """What one fetch of a feed changes in its row."""
    ok: bool
    error: str | None = None     # stored as last_error (a failure, or notes on a success)
    kind: str | None = None
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    items_seen: int = 0
    added: int = 0
    duplicates: int = 0
    refused: int = 0


def record_feed(store: Store, url: str, u: FeedUpdate, now: dt.datetime) -> None:
    """Store one fetch's outcome: validators kept on success (and on a 304), backoff on failure."""
    with store.transaction() as conn:
        row = fetch_one(conn, "SELECT failures FROM feeds WHERE url = $url", {"url": url})
        if row is None:
            return  # removed while it was being fetched
        failures = 0 if u.ok else row[0] + 1
        conn.execute(
            "UPDATE feeds SET last_fetched_at = $now, last_error = $error, failures = $failures,"
            " next_retry_at = $retry, kind = coalesce($kind, kind), title = coalesce($title, title),"
            " etag = CASE WHEN $ok THEN coalesce($etag, etag) ELSE etag END,"
            " last_modified = CASE WHEN $ok THEN coalesce($lm, last_modified) ELSE last_modified END,"
            " body_hash = coalesce($hash, body_hash), items_seen = items_seen + $seen,"
            " articles_added = articles_added + $added, duplicates = duplicates + $dups,"
            " refused = refused + $refused WHERE url = $url",
            {"now": now, "error": u.error, "failures": failures, "ok": u.ok,
             "retry": None if u.ok else next_retry(failures, now), "kind": u.kind, "title": u.title,
             "etag": u.etag, "lm": u.last_modified, "hash": u.body_hash, "seen": u.items_seen,
             "added": u.added, "dups": u.duplicates, "refused": u.refused, "url": url})


# -- items ------------------------------------------------------------------------

def known_items(store: Store, feed_url: str) -> dict[str, tuple[str, int]]:
    """{item url: (outcome, attempts)} for the items this feed listed before."""
    with store.connect() as conn:
        rows = conn.execute("SELECT item_url, outcome, attempts FROM feed_items WHERE feed_url = $feed",
                            {"feed": feed_url}).fetchall()
    return {url: (outcome, attempts) for url, outcome, attempts in rows}


def record_item(conn, feed_url: str, item_url: str, outcome: str, reason: str | None,
                article_id: str | None, now: dt.datetime) -> None:
    """Insert or update an item's outcome (inside the caller's transaction); attempts count fetches."""
    conn.execute(
        "INSERT INTO feed_items (item_url, feed_url, article_id, outcome, reason, first_seen_at, last_seen_at)"
        " VALUES ($item, $feed, $article, $outcome, $reason, $now, $now)"
        " ON CONFLICT (item_url, feed_url) DO UPDATE SET outcome = excluded.outcome,"
        " reason = excluded.reason, article_id = coalesce(excluded.article_id, feed_items.article_id),"
        " attempts = feed_items.attempts + 1, last_seen_at = excluded.last_seen_at",
        {"item": item_url, "feed": feed_url, "article": article_id, "outcome": outcome, "reason": reason,
         "now": now})


def article_feeds(store: Store, article_id: str) -> list[str]:
    """The feeds that listed this article."""
    with store.connect() as conn:
        rows = conn.execute("SELECT DISTINCT feed_url FROM feed_items WHERE article_id = $id ORDER BY 1",
                            {"id": article_id}).fetchall()
    return [r[0] for r in rows]


# -- runs -------------------------------------------------------------------------

def start_run(store: Store, run_id: str, now: dt.datetime) -> None:
    with store.transaction() as conn:
        conn.execute("INSERT INTO follow_runs (run_id, started_at) VALUES ($id, $now)", {"id": run_id, "now": now})


def finish_run(store: Store, run_id: str, counts: dict, summary: str, now: dt.datetime) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE follow_runs SET finished_at = $now, feeds = $feeds, items_seen = $seen,"
            " articles_added = $added, positions_added = $positions, duplicates = $dups, refused = $refused,"
            " failed_feeds = $failed, summary = $summary WHERE run_id = $id",
            {"now": now, "summary": summary, "id": run_id, **counts})


def last_run(store: Store) -> dict | None:
    """The latest follow run that finished (its start is the dashboard's default 'since'), or None."""
    with store.connect() as conn:
        df = fetch_frame(conn, "SELECT * FROM follow_runs WHERE finished_at IS NOT NULL"
                               " ORDER BY started_at DESC LIMIT 1", {})
    return df.astype(object).where(df.notna(), None).to_dict("records")[0] if len(df) else None


def recent_runs(store: Store, n: int = 10) -> pd.DataFrame:
    with store.connect() as conn:
        return fetch_frame(conn, "SELECT run_id, started_at, finished_at, feeds, items_seen, articles_added,"
                                 " positions_added, duplicates, refused, failed_feeds FROM follow_runs"
                                 " ORDER BY started_at DESC LIMIT $n", {"n": n})


def articles_added_since(store: Store, since: dt.datetime) -> list[str]:
    """Ids of the articles stored at or after `since` (naive UTC), whatever brought them in."""
    # articles.created_at is DuckDB's current_timestamp in the session's (the machine's) time zone,
    # so `since` is turned into that zone rather than assumed to match it
    with store.connect() as conn:
        rows = conn.execute("SELECT article_id FROM articles"
                            " WHERE created_at >= timezone('UTC', $since::TIMESTAMP)::TIMESTAMP ORDER BY 1",
                            {"since": since}).fetchall()
    return [r[0] for r in rows]


def feed_lines(store: Store) -> list[str]:
    """`feeds 3 (1 failing)` and the last follow run, for `python -m core stats`; nothing without feeds."""
    with store.connect() as conn:
        n, failing = fetch_one(conn, "SELECT count(*), count(*) FILTER (WHERE failures > 0) FROM feeds")
    run = last_run(store)
    if not n and run is None:
        return []
    lines = [f"feeds      {n} ({failing} failing)"]
    if run is not None:
        lines.append(f"followed   {pd.Timestamp(run['started_at']):%Y-%m-%d %H:%M} UTC: {run['articles_added']}"
                     f" articles added, {run['positions_added']} positions, {run['refused']} refused")
    return lines
