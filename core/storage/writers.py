"""Writing rows (positions, shifts, the audit trail) to .jsonl, .csv or .parquet, chosen by the file's ending."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

OUTPUT_FORMATS = (".jsonl", ".csv", ".parquet")


def check_output(path: str | Path, formats: tuple[str, ...] = OUTPUT_FORMATS) -> Path:
    """`path` as a Path when its ending is one of `formats`; ValueError saying which to use otherwise.

    Call it before long work (extraction), so a mistyped -o fails at once.
    """
    path = Path(path)
    if path.suffix.lower() not in formats:
        raise ValueError(f"{path}: unknown output format {path.suffix.lower()!r}; use one of {', '.join(formats)}")
    return path


def write_table(df: pd.DataFrame, path: str | Path, formats: tuple[str, ...] = OUTPUT_FORMATS) -> None:
    """Write `df` in the format its ending names, creating the folder; OSError if the file cannot be written."""
    path = check_output(path, formats)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        path.write_text(to_jsonl(df), encoding="utf-8")
    elif suffix == ".csv":
        _lists_joined(df).to_csv(path, index=False)  # streamed: an export may hold a million rows
    else:
        df.to_parquet(path, index=False)


write_positions = write_table


def to_csv(df: pd.DataFrame) -> str:
    """CSV text, list cells joined as "A; B" (for a download button as for a file)."""
    return _lists_joined(df).to_csv(index=False)


def _lists_joined(df: pd.DataFrame) -> pd.DataFrame:
    """List cells (a statement's outlets) as "A; B": CSV has no lists, and Python's repr is not data."""
    def join(value):
        return "; ".join(map(str, value)) if isinstance(value, (list, tuple)) else value
    lists = [c for c in df.columns if df[c].dtype == object and df[c].map(lambda v: isinstance(v, (list, tuple))).any()]
    return df.assign(**{c: df[c].map(join) for c in lists}) if lists else df


def to_jsonl(df: pd.DataFrame) -> str:
    """One JSON object per row; missing values as null, booleans as true/false."""
    if df.empty:
        return ""
    return df.astype(object).where(df.notna(), None).to_json(orient="records", lines=True, force_ascii=False)
