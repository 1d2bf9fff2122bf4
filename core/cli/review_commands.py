"""Review commands: `audit` (the trail of review decisions) and `shifts` (detected shifts), to a file.

    python -m core audit [--db PATH] -o AUDIT.{csv,jsonl}
    python -m core shifts [--db PATH] -o SHIFTS.csv [--reviewed-only] [--actor X ...] [--issue Y ...]
"""
from __future__ import annotations

import sys

from core.cli import add_db_option, cannot_write, fail
from core.storage.store import StoreError


def register(subparsers) -> None:
    p = subparsers.add_parser("audit", help="write the review audit trail (who decided what, when) to a file")
    add_db_option(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="output file (.csv or .jsonl)")
    p.set_defaults(func=run_audit)
    p = subparsers.add_parser("shifts", help="write the detected shifts (with both evidence sentences) to CSV")
    add_db_option(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT.csv", help="output CSV file")
    p.add_argument("--reviewed-only", action="store_true", help="only positions a reviewer accepted, edited or added")
    for name in ("actor", "issue"):
        p.add_argument(f"--{name}", action="append", default=[], metavar="VALUE", help=f"keep this {name} (repeatable)")
    p.set_defaults(func=run_shifts)


def run_audit(args) -> int:
    from core.storage.review import ReviewError, export_audit
    from core.storage.store import open_store

    try:
        n = export_audit(open_store(args.db, read_only=True), args.output)
    except (StoreError, ReviewError) as err:
        return fail(err)
    except OSError as err:
        return cannot_write(args.output, err)
    print(f"{n} review decision{'' if n == 1 else 's'} -> {args.output}", file=sys.stderr)
    return 0


def run_shifts(args) -> int:
    from core.analysis.shifts import detect_shifts
    from core.filters import Filters
    from core.storage.review import query_positions
    from core.storage.store import open_store
    from core.storage.writers import write_table

    if not args.output.lower().endswith(".csv"):
        return fail("write shifts as .csv", 2)
    try:
        rows = query_positions(open_store(args.db, read_only=True), Filters(actor=tuple(args.actor), issue=tuple(args.issue)),
                               reviewed_only=args.reviewed_only)
    except StoreError as err:
        return fail(err)
    found = detect_shifts(rows)
    try:
        write_table(found, args.output, (".csv",))
    except OSError as err:
        return cannot_write(args.output, err)
    print(f"{len(found)} shifts among {len(rows)} positions -> {args.output}", file=sys.stderr)
    return 0
