"""Backup and restore: a consistent copy of the database, taken while the dashboard keeps reading it.

    from core.storage.backup import backup, restore
    backup(open_store(read_only=True), "backups/2026-12-07")   # a folder: schema.sql, load.sql, one Parquet per table
    restore("backups/2026-12-07", "data/restored.duckdb")      # into a NEW file, never over an existing one

A backup is DuckDB's `EXPORT DATABASE` in Parquet, run in one read transaction (one snapshot: an ingest
writing meanwhile is in it entirely or not at all) over a read-only connection, so readers are not blocked.
`parley_backup.json` beside it records each table's row count; restore checks the copy against it and
deletes a new file that does not match, so a restore either gives the whole database or nothing.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb

from core.storage.store import Store, StoreError, connect_with_retry, damage_named, open_store

MANIFEST = "parley_backup.json"
BACKUP_FILES = ("schema.sql", "load.sql", MANIFEST)


def backup(store: Store, target: str | Path) -> dict:
    """Write a backup of `store` into the folder `target` (new or empty); returns the manifest."""
    folder = Path(target).expanduser().resolve()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise StoreError(f"{folder} already exists and is not an empty folder; back up into a new folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot create the folder {folder}: {err.strerror or err}; choose another -o path") from err
    try:
        counts = _export(store, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # it was new or empty: a half backup must not look like one
        raise
    manifest = {"source": str(store.path), "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "tables": counts}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _export(store: Store, folder: Path) -> dict[str, int]:
    with store.connect() as conn:
        conn.execute("BEGIN TRANSACTION")  # counts and export read the same snapshot
        counts = table_counts(conn)
        # EXPORT takes no parameters: the path is ours (resolved above), its quotes doubled for SQL.
        try:
            conn.execute(f"EXPORT DATABASE {_sql_literal(folder)} (FORMAT parquet)")
        except duckdb.Error as err:
            raise StoreError(f"cannot write the backup into {folder}: {str(err).splitlines()[0]}") from err
        conn.execute("COMMIT")
    return counts


def restore(source: str | Path, db_path: str | Path) -> dict[str, int]:
    """Build a NEW database at `db_path` from the backup folder `source`; returns each table's rows.

    Refuses an existing file (restoring over a database would lose what it holds). A copy whose counts
    differ from the manifest is deleted and StoreError says why."""
    folder, target = Path(source).expanduser().resolve(), Path(db_path).expanduser().resolve()
    manifest = _read_manifest(folder)
    if target.exists() or Path(f"{target}.wal").exists():
        raise StoreError(f"{target} already exists; restore into a new file (--db NEW_PATH), check it with "
                         "`python -m core stats --db NEW_PATH`, then put it in place of the old one")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        counts = _import(folder, target)
        if counts != manifest["tables"]:
            raise StoreError(f"the restored tables do not match the backup's manifest ({counts} against "
                             f"{manifest['tables']}); the backup in {folder} is incomplete")
        open_store(target)  # migrations newer than the backup, and the contract check
    except BaseException:
        for leftover in (target, Path(f"{target}.wal")):
            leftover.unlink(missing_ok=True)
        raise
    return counts


def _import(folder: Path, target: Path) -> dict[str, int]:
    conn = connect_with_retry(target, read_only=False, timeout=0)
    try:
        with damage_named(target):
            conn.execute(f"IMPORT DATABASE {_sql_literal(folder)}")
            return table_counts(conn)
    except duckdb.Error as err:
        raise StoreError(f"cannot restore from {folder}: {str(err).splitlines()[0]}") from err
    finally:
        conn.close()


def _read_manifest(folder: Path) -> dict:
    missing = [name for name in BACKUP_FILES if not (folder / name).is_file()]
    if missing:
        raise StoreError(f"{folder} is not a Parley backup (no {', '.join(missing)}); "
                         "give the folder `python -m core backup -o FOLDER` wrote")
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StoreError(f"cannot read {folder / MANIFEST}: {err}") from err


def table_counts(conn) -> dict[str, int]:
    """Rows of every table of the main schema, by name (the names come from the catalog, not from input)."""
    names = [r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $schema AND table_type = $kind"
        " ORDER BY 1", {"schema": "main", "kind": "BASE TABLE"}).fetchall()]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] for name in names}


def _sql_literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
