"""012: feeds to follow, what each item of them became, and the follow runs.

`feeds`: one row per followed feed or sitemap (`url` as the user gave it): its
title, when it was added and last fetched, the validators of the last answer
(`etag`, `last_modified`, and `body_hash` to notice a validator that changes
while the content does not), its health (`last_error`, `failures` in a row,
`next_retry_at` for the backoff) and running counts.

`feed_items`: one row per item link a feed has listed (normalised URL), with the
outcome (`stored`, `duplicate`, `skipped`, `failed`) and the stored article, so
each article knows the feed it came from and an item already decided is not
fetched again. Kept apart from `articles` so the article table is unchanged.

`follow_runs`: one row per `follow` run (its start is the default "since" of
the Overview) with its counts and printed summary.
"""
from __future__ import annotations


def up(conn) -> None:
    conn.execute(
        "CREATE TABLE feeds ("
        ' "url" VARCHAR PRIMARY KEY, "kind" VARCHAR, "title" VARCHAR,'
        ' "added_at" TIMESTAMP NOT NULL DEFAULT current_timestamp, "last_fetched_at" TIMESTAMP,'
        ' "etag" VARCHAR, "last_modified" VARCHAR, "body_hash" VARCHAR,'
        ' "last_error" VARCHAR, "failures" INTEGER NOT NULL DEFAULT 0, "next_retry_at" TIMESTAMP,'
        ' "items_seen" BIGINT NOT NULL DEFAULT 0, "articles_added" BIGINT NOT NULL DEFAULT 0,'
        ' "duplicates" BIGINT NOT NULL DEFAULT 0, "refused" BIGINT NOT NULL DEFAULT 0)'
    )
    conn.execute(
        "CREATE TABLE feed_items ("
        ' "item_url" VARCHAR NOT NULL, "feed_url" VARCHAR NOT NULL, "article_id" VARCHAR,'
        ' "outcome" VARCHAR NOT NULL, "reason" VARCHAR, "attempts" INTEGER NOT NULL DEFAULT 1,'
        ' "first_seen_at" TIMESTAMP NOT NULL DEFAULT current_timestamp, "last_seen_at" TIMESTAMP,'
        ' PRIMARY KEY ("item_url", "feed_url"))'
    )
    conn.execute(
        "CREATE TABLE follow_runs ("
        ' "run_id" VARCHAR PRIMARY KEY, "started_at" TIMESTAMP NOT NULL, "finished_at" TIMESTAMP,'
        ' "feeds" INTEGER, "items_seen" BIGINT, "articles_added" BIGINT, "positions_added" BIGINT,'
        ' "duplicates" BIGINT, "refused" BIGINT, "failed_feeds" INTEGER, "summary" VARCHAR)'
    )
    # An article's feed is looked up by article; a run's default "since" is the latest start.
    conn.execute('CREATE INDEX feed_items_article ON feed_items ("article_id")')
