"""Lookups of stored articles and their positions by URL, text hash, id, extractor version or time stored:
what ingest, the feed follower and re-extraction ask before and while writing, and `stats` counts.

Each function takes a connection, so a check made inside a write transaction (a duplicate, a taken id)
sees what that transaction sees.
"""
from __future__ import annotations

import datetime as dt

from core.storage.store import fetch_one


def article_with_url(conn, url: str) -> str | None:
    """The id of an article stored under `url` (normalised), or None."""
    row = fetch_one(conn, "SELECT article_id FROM articles WHERE url = $url LIMIT 1", {"url": url})
    return row[0] if row else None


def article_with_text_hash(conn, digest: str) -> str | None:
    row = fetch_one(conn, "SELECT article_id FROM articles WHERE text_hash = $h LIMIT 1", {"h": digest})
    return row[0] if row else None


def article_exists(conn, article_id: str) -> bool:
    return fetch_one(conn, "SELECT 1 FROM articles WHERE article_id = $id", {"id": article_id}) is not None


def articles_matching(conn, urls: list[str], hashes: list[str]) -> list[tuple[str | None, str, str]]:
    """(url, text_hash, article_id) of the articles stored under any of `urls` or with any of `hashes`."""
    return conn.execute(
        "SELECT url, text_hash, article_id FROM articles"
        " WHERE list_contains($urls, url) OR list_contains($hashes, text_hash)",
        {"urls": urls, "hashes": hashes}).fetchall()


def articles_by_url(conn, urls: list[str]) -> dict[str, str]:
    """{url: article_id} of the stored articles among `urls` (the lowest id if a URL is stored twice)."""
    rows = conn.execute("SELECT url, min(article_id) FROM articles WHERE list_contains($urls, url) GROUP BY url",
                        {"urls": urls}).fetchall()
    return dict(rows)


def article_ids(conn) -> list[str]:
    return [r[0] for r in conn.execute("SELECT article_id FROM articles ORDER BY article_id").fetchall()]


def article_ids_not_extracted_by(conn, version: str) -> list[str]:
    """Ids of articles last extracted by another version (or by none)."""
    rows = conn.execute(
        "SELECT article_id FROM articles WHERE extractor_version IS DISTINCT FROM $version"
        " ORDER BY article_id", {"version": version}).fetchall()
    return [r[0] for r in rows]


def article_ids_since(conn, since: dt.datetime) -> list[str]:
    """Ids of the articles stored at or after `since` (naive UTC)."""
    # articles.created_at is DuckDB's current_timestamp in the session's (the machine's) time zone,
    # so `since` is turned into that zone rather than assumed to match it
    rows = conn.execute("SELECT article_id FROM articles"
                        " WHERE created_at >= timezone('UTC', $since::TIMESTAMP)::TIMESTAMP ORDER BY 1",
                        {"since": since}).fetchall()
    return [r[0] for r in rows]


# -- their positions -----------------------------------------------------------------

def position_count(conn, article_id: str) -> int:
    return fetch_one(conn, "SELECT count(*) FROM positions WHERE article_id = $id", {"id": article_id})[0]


def actors_of(conn, article_ids: list[str]) -> list[str]:
    """The distinct actors of these articles' positions, sorted."""
    rows = conn.execute("SELECT DISTINCT actor FROM positions WHERE list_contains($ids, article_id)"
                        " AND actor IS NOT NULL ORDER BY 1", {"ids": article_ids}).fetchall()
    return [r[0] for r in rows]


def top_values(conn, fields: tuple[str, ...], top: int) -> dict[str, list[tuple[str, int]]]:
    """Most frequent values of position fields, most frequent first.

    `fields` are put into the SQL as identifiers, so they must come from core.filters.LIST_PARAMS."""
    return {field: conn.execute(
                f'SELECT "{field}", count(*) AS n FROM positions WHERE "{field}" IS NOT NULL'
                f' GROUP BY 1 ORDER BY n DESC, 1 LIMIT $top', {"top": top}).fetchall()
            for field in fields}
