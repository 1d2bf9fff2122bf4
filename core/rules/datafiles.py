"""Loading the rule data files (JSON lines under core/data/) and validating every record.

A file is a list of records, one JSON object per line, each with a unique `id`.
A broken record raises DataFileError naming the file and line, and what to fix.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.paths import RULES_DIR

DATA_DIR = RULES_DIR


class DataFileError(ValueError):
    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path, self.line = str(path), line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Field:
    name: str
    types: tuple[type, ...]
    required: bool = True
    choices: tuple[Any, ...] | None = None
    check: Callable[[Any], str | None] | None = None  # returns an error message, or None when fine


def load_records(path: Path | str, fields: list[Field], *, allow_extra: bool = False) -> list[dict]:
    """Read and validate a JSONL data file; comment lines start with //."""
    path = Path(path)
    if not path.is_absolute() and not path.exists():
        path = DATA_DIR / path
    records, seen = [], {}
    known = {f.name for f in fields} | {"id"}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataFileError(path, n, f"not valid JSON ({err.msg} at column {err.colno})") from None
        if not isinstance(rec, dict):
            raise DataFileError(path, n, "each line must be a JSON object")
        _check_record(path, n, rec, fields, known, allow_extra)
        if rec["id"] in seen:
            raise DataFileError(path, n, f"id {rec['id']!r} is already used on line {seen[rec['id']]}")
        seen[rec["id"]] = n
        records.append(rec)
    return records


def _check_record(path, n, rec: dict, fields: list[Field], known: set, allow_extra: bool) -> None:
    if not isinstance(rec.get("id"), str) or not rec["id"].strip():
        raise DataFileError(path, n, "every record needs a non-empty string 'id'")
    if not allow_extra:
        extra = sorted(set(rec) - known)
        if extra:
            raise DataFileError(path, n, f"unknown field(s) {extra}; known: {sorted(known)}")
    for f in fields:
        if f.name not in rec or rec[f.name] is None:
            if f.required:
                raise DataFileError(path, n, f"record {rec['id']!r} lacks required field {f.name!r}")
            continue
        value = rec[f.name]
        if not isinstance(value, f.types):
            names = " or ".join(t.__name__ for t in f.types)
            raise DataFileError(path, n, f"field {f.name!r} of {rec['id']!r} must be {names}")
        if f.choices is not None and value not in f.choices:
            raise DataFileError(path, n, f"field {f.name!r} of {rec['id']!r} is {value!r}; allowed: {list(f.choices)}")
        if f.check is not None and (msg := f.check(value)):
            raise DataFileError(path, n, f"field {f.name!r} of {rec['id']!r}: {msg}")
