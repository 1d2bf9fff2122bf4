"""Numbered schema migrations, each applied once and recorded in `schema_migrations`.

The database is created and changed only through these. A fresh database runs
them all, in number order; an existing one runs the ones it has not recorded.
Each migration runs in its own transaction together with its record, so a
failing migration leaves the database as it was.

Adding a migration (pick the next free number; numbers never change once shipped):

1. a SQL file ``core/storage/migrations/NNN_short_name.sql`` -- statements separated by
   ``;``, no parameters needed for DDL; or
2. a Python file ``core/storage/migrations/NNN_short_name.py`` defining ``up(conn)``,
   which receives an open DuckDB connection inside the transaction; or
3. a function registered in code (the module must be imported before a store
   is opened, so prefer a file)::

       from core.storage.migrations import migration

       @migration(2, "review tables")
       def _review_tables(conn):
           conn.execute("CREATE TABLE reviews (position_id VARCHAR PRIMARY KEY, ...)")

When ``core/schema.py`` gains a column, add a migration whose ``up`` calls
``ensure_columns(conn, "positions", {"new_column": "string"})`` with the new
columns written out (migrations never read the live schema: 001 and 010 freeze
theirs), and the same for ``review_state`` (013 is an example). ``core.storage.store`` refuses to open a database whose tables lack a
contract column, and says so.
"""
from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent
_FILE_RE = re.compile(r"^(\d{3,})_(\w+)\.(py|sql)$")

# pandas dtype in core.schema -> DuckDB column type
SQL_TYPES = {"string": "VARCHAR", "Int64": "BIGINT", "boolean": "BOOLEAN", "Float64": "DOUBLE"}

_REGISTERED: dict[int, Migration] = {}

# The positions columns as 001 (positions) and 010 (review_state) built them: frozen, so a later contract
# column (core/schema.py) never changes what an old migration builds; each new column has its own
# migration (013 and on).
POSITION_COLUMNS_001 = {
    "article_id": "string", "sentence": "string", "char_start": "Int64", "char_end": "Int64",
    "actor": "string", "speaker": "string", "target": "string", "stance": "string", "issue": "string",
    "date": "string", "date_precision": "string", "hedged": "boolean", "quote": "string",
    "confidence": "Float64", "rule_id": "string", "cue": "string",
}


class MigrationError(RuntimeError):
    """A migration failed or two migrations share a number; the message names it."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable  # apply(conn) -> None


def migration(version: int, name: str):
    """Decorator: register ``func(conn)`` as migration number ``version``."""
    def register(func):
        if version in _REGISTERED and _REGISTERED[version].apply is not func:
            raise MigrationError(f"migration {version} is registered twice ({name!r})")
        _REGISTERED[version] = Migration(version, name, func)
        return func
    return register


def all_migrations() -> list[Migration]:
    """Every known migration (files and registered functions), in number order."""
    found = dict(_REGISTERED)
    for path in sorted(MIGRATIONS_DIR.iterdir()):
        match = _FILE_RE.match(path.name)
        if not match:
            continue
        version, name = int(match.group(1)), match.group(2)
        if version in found:
            raise MigrationError(f"two migrations are numbered {version}: {found[version].name!r} and {path.name!r}")
        found[version] = Migration(version, name, _file_migration(path))
    return [found[v] for v in sorted(found)]


def _file_migration(path: Path) -> Callable:
    if path.suffix == ".sql":
        def apply_sql(conn, _path=path):
            for statement in _split_sql(_path.read_text(encoding="utf-8")):
                conn.execute(statement)
        return apply_sql
    module = importlib.import_module(f"{__name__}.{path.stem}")
    if not callable(getattr(module, "up", None)):
        raise MigrationError(f"{path.name} defines no up(conn) function")
    return module.up


def _split_sql(text: str) -> list[str]:
    # DDL files only: no semicolons inside string literals expected.
    lines = [line for line in text.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def ensure_table(conn) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )


def applied_versions(conn) -> set[int]:
    # fetchall, not fetchone: DuckDB 2 refuses more work while a result is unfinished
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = $name", {"name": "schema_migrations"}
    ).fetchall()[0][0]
    if not exists:
        return set()
    return {row[0] for row in conn.execute("SELECT version FROM schema_migrations").fetchall()}


def pending(conn) -> list[Migration]:
    done = applied_versions(conn)
    return [m for m in all_migrations() if m.version not in done]


def migrate(conn) -> list[int]:
    """Apply every pending migration, each in its own transaction; return the versions applied."""
    ensure_table(conn)
    applied = []
    for m in pending(conn):
        conn.execute("BEGIN TRANSACTION")
        try:
            m.apply(conn)
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($version, $name)",
                {"version": m.version, "name": m.name},
            )
            conn.execute("COMMIT")
        except Exception as err:
            conn.execute("ROLLBACK")
            raise MigrationError(f"migration {m.version:03d} ({m.name}) failed: {err}") from err
        applied.append(m.version)
    return applied


def ensure_columns(conn, table: str, columns: dict[str, str]) -> None:
    """Add any contract column (name -> pandas dtype) the table lacks. Identifiers come from core.schema."""
    for name, dtype in columns.items():
        conn.execute(f'ALTER TABLE {table} ADD COLUMN IF NOT EXISTS "{name}" {SQL_TYPES[dtype]}')


def column_defs(columns: dict[str, str]) -> list[str]:
    return [f'"{name}" {SQL_TYPES[dtype]}' for name, dtype in columns.items()]
