"""The data contract: vocabularies and the columns of the positions and articles tables.

One place defines the columns, their dtypes and their order; the DataFrame
builders, the database tables and the exports all read it from here
(see ../shared/spec/POSITIONS.md for the meaning of each column).
"""
from __future__ import annotations

import pandas as pd

STANCES: tuple[str, ...] = (
    "demand", "concession", "dialogue", "rejection", "warning",
    "accusation", "denial", "support", "assertion",
)
ISSUES: tuple[str, ...] = (
    "nato_enlargement", "military_posture", "security_guarantees", "negotiations",
    "invasion_war", "sanctions", "territory", "arms_supply", "energy",
    "humanitarian", "nuclear", "economy", "other",
)
DATE_PRECISIONS: tuple[str, ...] = ("day", "month", "year")

# The contract's row, in the contract's order, then what Parley adds to explain a row.
CONTRACT_COLUMNS: dict[str, str] = {
    "article_id": "string",
    "sentence": "string",
    "char_start": "Int64",
    "char_end": "Int64",
    "actor": "string",
    "speaker": "string",
    "target": "string",
    "stance": "string",
    "issue": "string",
    "date": "string",
    "date_precision": "string",
    "hedged": "boolean",
    "quote": "string",
    "confidence": "Float64",
}
EXPLAIN_COLUMNS: dict[str, str] = {
    "rule_id": "string",   # id of the data-file rule (or model) that produced the stance
    "cue": "string",       # the words that fired it, for "why was this extracted?"
    # Migration 013: the rules as data, so the "why" sentence is built, never parsed back (core.present.why).
    "holder_rule": "string",  # the speakers rule that chose the actor (core.extract.speakers: Holder.how)
    "date_rule": "string",    # the rule that chose the date (core.extract.dates: ResolvedDate.rule, or news_day)
    "model_id": "string",     # the stance model that scored the row ("cues-only" without one)
}
POSITION_COLUMNS: dict[str, str] = {**CONTRACT_COLUMNS, **EXPLAIN_COLUMNS}

ARTICLE_COLUMNS: dict[str, str] = {
    "article_id": "string",
    "title": "string",
    "outlet": "string",
    "url": "string",
    "published": "string",  # YYYY-MM-DD
    "text": "string",
}

REQUIRED_POSITION_VALUES = ("article_id", "sentence", "actor", "stance", "issue", "date", "date_precision")


class SchemaError(ValueError):
    """A DataFrame breaks the contract; the message says which column and rows."""


def empty_positions() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in POSITION_COLUMNS.items()})


def empty_articles() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in ARTICLE_COLUMNS.items()})


def positions_frame(rows: list[dict]) -> pd.DataFrame:
    """Build a positions DataFrame in contract order and dtypes from row dicts."""
    if not rows:
        return empty_positions()
    df = pd.DataFrame.from_records(rows)
    for col in POSITION_COLUMNS:
        if col not in df.columns:
            df[col] = None
    return coerce(df[list(POSITION_COLUMNS)], POSITION_COLUMNS)


def articles_frame(rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return empty_articles()
    df = pd.DataFrame.from_records(rows)
    if "id" in df.columns and "article_id" not in df.columns:
        df = df.rename(columns={"id": "article_id"})
    for col in ARTICLE_COLUMNS:
        if col not in df.columns:
            df[col] = None
    return coerce(df[list(ARTICLE_COLUMNS)], ARTICLE_COLUMNS)


def coerce(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    return df.astype({c: t for c, t in columns.items() if c in df.columns})


def validate_positions(df: pd.DataFrame) -> pd.DataFrame:
    """Raise SchemaError unless df has every contract column with allowed values."""
    missing = [c for c in POSITION_COLUMNS if c not in df.columns]
    if missing:
        raise SchemaError(f"positions are missing columns: {', '.join(missing)}")
    _check_vocabulary(df, "stance", STANCES)
    _check_vocabulary(df, "issue", ISSUES)
    _check_vocabulary(df, "date_precision", DATE_PRECISIONS)
    for col in REQUIRED_POSITION_VALUES:
        empty = df[col].isna()
        if empty.any():
            raise SchemaError(f"column {col!r} is empty in rows {list(df.index[empty][:5])}")
    return df


def _check_vocabulary(df: pd.DataFrame, col: str, allowed: tuple[str, ...]) -> None:
    bad = ~df[col].isin(allowed) & df[col].notna()
    if bad.any():
        raise SchemaError(
            f"column {col!r} has values outside the contract: {sorted(set(df.loc[bad, col]))[:5]}; "
            f"allowed: {', '.join(allowed)}"
        )
