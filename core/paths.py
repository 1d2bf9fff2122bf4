"""Where things are: the project root, the models folder, the rules data, the default database and ../shared.

Every path Parley derives from its own location is computed here, once, so moving a module
moves nothing else. Two environment variables point elsewhere, read at call time:

- `PARLEY_DB`: the database (`db_path()`; a `--db PATH` argument wins over it);
- `PARLEY_SHARED`: the shared folder beside the project (corpus, gold, spec, the scorer).
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent   # the project folder (app.py, core/, models/, data/)
MODELS_DIR = ROOT / "models"
RULES_DIR = ROOT / "core" / "data"                # the rules as data (actors, cues, issues, boilerplate, shifts)
SAMPLE_PATH = ROOT / "data" / "sample.jsonl"
DEFAULT_DB = ROOT / "data" / "parley.duckdb"
DEFAULT_SHARED = ROOT.parent / "shared"
DB_ENV = "PARLEY_DB"
SHARED_ENV = "PARLEY_SHARED"


def db_path(path: str | os.PathLike | None = None) -> Path:
    """--db PATH, else $PARLEY_DB, else data/parley.duckdb under the project root (not the cwd)."""
    chosen = path or os.environ.get(DB_ENV) or DEFAULT_DB
    return Path(chosen).expanduser().resolve()


def shared_dir(path: str | os.PathLike | None = None) -> Path:
    """--shared PATH, else $PARLEY_SHARED, else ../shared beside the project."""
    return Path(path or os.environ.get(SHARED_ENV) or DEFAULT_SHARED)
