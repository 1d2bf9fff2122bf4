"""014: statement ids and shifts stored when positions are written (core/storage/derived.py).

`position_statements`: every position the dashboard shows (reviews applied, rejected ones left out) with its
statement id (core.grouping) and its line (actor, issue), so a write refreshes the lines it touched.
`shifts`: every shift among them (core.shifts' columns, `seq` keeping their order).
Both are filled here from the rows already stored, and kept current by ingest, re-extraction and reviews.
"""
from __future__ import annotations

from core.storage import derived


def up(conn) -> None:
    derived.create_tables(conn)
    derived.refresh(conn)
