"""Export: the positions a filter selects, in the contract's columns, to .csv, .jsonl or .parquet.

The contract's columns come first, in the contract's order (so
../shared/eval/score.py reads a JSONL export as predictions), then the
position's id and extractor version and its article's title, outlet, url and
publication date -- the same columns the dashboard shows.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from core.filters import Filters
from core.storage.store import QUERY_COLUMNS, Store
from core.storage.writers import OUTPUT_FORMATS, write_positions

EXPORT_COLUMNS = (*QUERY_COLUMNS, "review_status")


def export_frame(store: Store, filters: Filters | None = None, *, limit: int | None = None) -> pd.DataFrame:
    """Exactly the rows and columns an export writes: reviews applied, each row's review_status."""
    from core.storage.review import query_positions

    return query_positions(store, filters or Filters(), limit=limit)[list(EXPORT_COLUMNS)]


def export_positions(store: Store, filters: Filters | None, path: str | Path) -> int:
    """Write the filtered positions to `path` (format from its ending); return the row count."""
    suffix = Path(path).suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise ValueError(f"{path}: unknown output format {suffix!r}; use one of {', '.join(OUTPUT_FORMATS)}")
    df = export_frame(store, filters)
    write_positions(df, path)
    return len(df)
