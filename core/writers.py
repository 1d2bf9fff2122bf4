"""Writing position rows to .jsonl, .csv or .parquet, chosen by the file's ending."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

OUTPUT_FORMATS = (".jsonl", ".csv", ".parquet")


def write_positions(df: pd.DataFrame, path: str | Path) -> None:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise ValueError(f"{path}: unknown output format {suffix!r}; use one of {', '.join(OUTPUT_FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".jsonl":
        path.write_text(to_jsonl(df), encoding="utf-8")
    elif suffix == ".csv":
        df.to_csv(path, index=False)
    else:
        df.to_parquet(path, index=False)


def to_jsonl(df: pd.DataFrame) -> str:
    """One JSON object per row; missing values as null, booleans as true/false."""
    if df.empty:
        return ""
    return df.astype(object).where(df.notna(), None).to_json(orient="records", lines=True, force_ascii=False)
