"""015: positions stored in (actor, date) order, so filtered reads skip the row groups they do not need
(core/storage/layout.py says why). The table keeps its columns, keys, defaults and indexes; no value changes."""
from __future__ import annotations

from core.storage.layout import sort_positions


def up(conn) -> None:
    sort_positions(conn)
