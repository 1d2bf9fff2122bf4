"""Reading ../shared for the measuring scripts: the corpus articles by id and the dev gold rows."""
from __future__ import annotations

import json
from pathlib import Path

from core.paths import shared_dir

DEFAULT_SHARED = shared_dir()  # $PARLEY_SHARED, else ../shared beside the project


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_by_id(shared: Path) -> dict[str, dict]:
    return {a["id"]: a for path in sorted((shared / "corpus").glob("*.jsonl")) for a in read_jsonl(path)}


def gold_path(shared: Path) -> Path:
    return shared / "gold" / "dev.jsonl"


def gold_rows(shared: Path) -> list[dict]:
    return read_jsonl(gold_path(shared))


def no_gold(shared: Path) -> bool:
    """True (and says so) when `shared` holds no dev gold: the measuring scripts then skip."""
    if gold_path(shared).exists():
        return False
    print(f"skipped: no gold at {gold_path(shared)}")
    return True
