"""The followed-feed tables (migration 012): `feeds`, `feed_items` (what each item became) and `follow_runs`.

Each function takes a connection, so the caller (core.ingest.feeds, core.ingest.follow) decides what
shares a transaction. Times are naive UTC, passed in by the caller.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from core.storage.store import fetch_frame, fetch_one

FEED_COLUMNS = ("url", "kind", "title", "added_at", "last_fetched_at", "etag", "last_modified", "body_hash",
                "last_error", "failures", "next_retry_at", "items_seen", "articles_added", "duplicates", "refused")


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


# -- feeds ------------------------------------------------------------------------

def is_followed(conn, url: str) -> bool:
    return fetch_one(conn, "SELECT 1 FROM feeds WHERE url = $url", {"url": url}) is not None


def insert_feed(conn, url: str, now: dt.datetime) -> None:
    conn.execute("INSERT INTO feeds (url, added_at) VALUES ($url, $now)", {"url": url, "now": now})


def delete_feed(conn, url: str) -> None:
    conn.execute("DELETE FROM feeds WHERE url = $url", {"url": url})


def feed_rows(conn) -> pd.DataFrame:
    """Every feed's row, oldest first."""
    return fetch_frame(conn, f"SELECT {', '.join(FEED_COLUMNS)} FROM feeds ORDER BY added_at, url", {})


def feed_failures(conn, url: str) -> int | None:
    """Failures in a row so far, or None when the feed is not followed."""
    row = fetch_one(conn, "SELECT failures FROM feeds WHERE url = $url", {"url": url})
    return None if row is None else row[0]


def update_feed(conn, url: str, u: FeedUpdate, *, failures: int, retry: dt.datetime | None,
                now: dt.datetime) -> None:
    """Validators kept unless a success brings new ones; counters added to."""
    conn.execute(
        "UPDATE feeds SET last_fetched_at = $now, last_error = $error, failures = $failures,"
        " next_retry_at = $retry, kind = coalesce($kind, kind), title = coalesce($title, title),"
        " etag = CASE WHEN $ok THEN coalesce($etag, etag) ELSE etag END,"
        " last_modified = CASE WHEN $ok THEN coalesce($lm, last_modified) ELSE last_modified END,"
        " body_hash = coalesce($hash, body_hash), items_seen = items_seen + $seen,"
        " articles_added = articles_added + $added, duplicates = duplicates + $dups,"
        " refused = refused + $refused WHERE url = $url",
        {"now": now, "error": u.error, "failures": failures, "ok": u.ok,
         "retry": retry, "kind": u.kind, "title": u.title,
         "etag": u.etag, "lm": u.last_modified, "hash": u.body_hash, "seen": u.items_seen,
         "added": u.added, "dups": u.duplicates, "refused": u.refused, "url": url})


def feed_counts(conn) -> tuple[int, int]:
    """(feeds, feeds failing)."""
    return fetch_one(conn, "SELECT count(*), count(*) FILTER (WHERE failures > 0) FROM feeds")


# -- items ------------------------------------------------------------------------

def item_outcomes(conn, feed_url: str) -> dict[str, tuple[str, int]]:
    """{item url: (outcome, attempts)} for the items this feed listed before."""
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


def feeds_listing(conn, article_id: str) -> list[str]:
    """The feeds that listed this article."""
    rows = conn.execute("SELECT DISTINCT feed_url FROM feed_items WHERE article_id = $id ORDER BY 1",
                        {"id": article_id}).fetchall()
    return [r[0] for r in rows]


# -- runs -------------------------------------------------------------------------

def insert_run(conn, run_id: str, now: dt.datetime) -> None:
    conn.execute("INSERT INTO follow_runs (run_id, started_at) VALUES ($id, $now)", {"id": run_id, "now": now})


def finish_run(conn, run_id: str, counts: dict, summary: str, now: dt.datetime) -> None:
    """`counts`: feeds, seen, added, positions, dups, refused, failed."""
    conn.execute(
        "UPDATE follow_runs SET finished_at = $now, feeds = $feeds, items_seen = $seen,"
        " articles_added = $added, positions_added = $positions, duplicates = $dups, refused = $refused,"
        " failed_feeds = $failed, summary = $summary WHERE run_id = $id",
        {"now": now, "summary": summary, "id": run_id, **counts})


def last_finished_run(conn) -> pd.DataFrame:
    """The latest finished run's row (no rows before the first run ends)."""
    return fetch_frame(conn, "SELECT * FROM follow_runs WHERE finished_at IS NOT NULL"
                             " ORDER BY started_at DESC LIMIT 1", {})


def latest_runs(conn, n: int) -> pd.DataFrame:
    return fetch_frame(conn, "SELECT run_id, started_at, finished_at, feeds, items_seen, articles_added,"
                             " positions_added, duplicates, refused, failed_feeds FROM follow_runs"
                             " ORDER BY started_at DESC LIMIT $n", {"n": n})
