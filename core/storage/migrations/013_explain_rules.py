"""013: the rules behind a row, as data: `holder_rule`, `date_rule` and `model_id` on positions.

The "why" sentence (core.present.why) is built from them, not parsed back from `cue`. review_state
holds the same columns as positions (see 010), so it gains them too. Rows stored before this
migration keep NULL until they are re-extracted. The columns are frozen here, as in every migration:
a later change to core/schema.py needs a migration of its own.
"""
from __future__ import annotations

from core.storage.migrations import ensure_columns

COLUMNS = {"holder_rule": "string", "date_rule": "string", "model_id": "string"}


def up(conn) -> None:
    for table in ("positions", "review_state"):
        ensure_columns(conn, table, COLUMNS)
