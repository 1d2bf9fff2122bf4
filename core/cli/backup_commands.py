"""`backup` and `restore`: a consistent copy of the database, and a new database made from one.

    python -m core backup [--db PATH] -o FOLDER        # while the dashboard runs; FOLDER new or empty
    python -m core restore FOLDER [--db NEW_PATH]      # refuses to overwrite an existing database
"""
from __future__ import annotations

import sys

from core.cli import add_db_option, fail
from core.storage.store import StoreError


def register(subparsers) -> None:
    p = subparsers.add_parser("backup", help="copy the database into a new folder (consistent, while others read)")
    add_db_option(p)
    p.add_argument("-o", "--output", required=True, metavar="FOLDER", help="a new (or empty) folder for the backup")
    p.set_defaults(func=run_backup)
    p = subparsers.add_parser("restore", help="make a NEW database from a backup folder")
    p.add_argument("backup", metavar="FOLDER", help="a folder written by `python -m core backup`")
    add_db_option(p)
    p.set_defaults(func=run_restore)


def run_backup(args) -> int:
    from core.storage.backup import backup
    from core.storage.store import open_store

    try:
        manifest = backup(open_store(args.db, read_only=True), args.output)
    except StoreError as err:
        return fail(err)
    rows = ", ".join(f"{name} {n}" for name, n in manifest["tables"].items())
    print(f"backup of {manifest['source']} -> {args.output} ({rows})", file=sys.stderr)
    return 0


def run_restore(args) -> int:
    from core.paths import db_path
    from core.storage.backup import restore

    target = db_path(args.db)
    try:
        counts = restore(args.backup, target)
    except StoreError as err:
        return fail(err)
    print(f"restored {args.backup} -> {target} ({', '.join(f'{k} {v}' for k, v in counts.items())})", file=sys.stderr)
    return 0
