"""010: review tables, kept apart from `positions` so re-extraction never touches them.

`review_state` holds one row per reviewed position: the position as the reviewer
left it (every contract column), its status (accepted, edited, rejected, added),
who decided and when, and the identity of the machine row the reviewer looked at
(`origin_*`), so that a re-extracted copy of that row can be recognised and
hidden behind the review. `review_log` is the append-only audit trail: every
decision with the values before and after, as JSON.

Numbered 010 to leave 002-009 to the store's own migrations. When core/schema.py gains
a position column, the migration that adds it to `positions` adds it to `review_state` too
(core.storage.review reads the same columns from both tables), as 013 does.
"""
from __future__ import annotations

from core.storage.migrations import POSITION_COLUMNS_001 as POSITION_COLUMNS
from core.storage.migrations import column_defs


def up(conn) -> None:
    conn.execute(
        "CREATE TABLE review_state ("
        ' "position_id" VARCHAR PRIMARY KEY, '
        + ", ".join(column_defs(POSITION_COLUMNS))
        + ', "extractor_version" VARCHAR,'
        ' "status" VARCHAR NOT NULL, "reviewer" VARCHAR NOT NULL, "decided_at" TIMESTAMP NOT NULL,'
        ' "origin_char_start" BIGINT, "origin_char_end" BIGINT, "origin_sentence" VARCHAR,'
        ' "origin_actor" VARCHAR, "origin_stance" VARCHAR, "origin_issue" VARCHAR)'
    )
    conn.execute(
        "CREATE TABLE review_log ("
        ' "decision_id" VARCHAR PRIMARY KEY, "position_id" VARCHAR NOT NULL, "article_id" VARCHAR,'
        ' "action" VARCHAR NOT NULL, "reviewer" VARCHAR NOT NULL, "decided_at" TIMESTAMP NOT NULL,'
        ' "previous" VARCHAR, "current" VARCHAR, "note" VARCHAR)'
    )
    # The overlay loads every review of the articles it shows; the trail is read newest first.
    conn.execute('CREATE INDEX review_state_article ON review_state ("article_id")')
    conn.execute('CREATE INDEX review_log_position ON review_log ("position_id")')
