"""001: the articles and positions tables, with the contract's columns as they were then (frozen: POSITION_COLUMNS_001).

Beyond the contract, articles keep how they were deduplicated (`text_hash`),
where they came from (`source`), which extractor last ran on them
(`extractor_version`, so articles with zero positions are re-extracted too) and
when they were added; positions keep a stable `position_id`, the
`extractor_version` that produced them and `created_at`.
"""
from __future__ import annotations

from core.storage.migrations import POSITION_COLUMNS_001 as POSITION_COLUMNS
from core.storage.migrations import column_defs

ARTICLE_COLUMNS = {"article_id": "string", "title": "string", "outlet": "string", "url": "string",
                   "published": "string", "text": "string"}


def up(conn) -> None:
    article_cols = [c for c in column_defs(ARTICLE_COLUMNS) if not c.startswith('"article_id"')]
    conn.execute(
        "CREATE TABLE articles ("
        ' "article_id" VARCHAR PRIMARY KEY, '
        + ", ".join(article_cols)
        + ', "text_hash" VARCHAR NOT NULL, "source" VARCHAR, "extractor_version" VARCHAR,'
        ' "created_at" TIMESTAMP NOT NULL DEFAULT current_timestamp)'
    )
    conn.execute(
        "CREATE TABLE positions ("
        ' "position_id" VARCHAR PRIMARY KEY, '
        + ", ".join(column_defs(POSITION_COLUMNS))
        + ', "extractor_version" VARCHAR NOT NULL,'
        ' "created_at" TIMESTAMP NOT NULL DEFAULT current_timestamp)'
    )
    # Lookups by these keys happen on every ingest (dedupe) and re-extraction (replace).
    conn.execute('CREATE INDEX articles_url ON articles ("url")')
    conn.execute('CREATE INDEX articles_text_hash ON articles ("text_hash")')
    conn.execute('CREATE INDEX positions_article ON positions ("article_id")')
