"""Store commands: `ingest`, `reextract`, `export`, `stats`, `sort`. Parse arguments, call the library, print.

    python -m core ingest [--db PATH] [--published D] [--sample] INPUT...
    python -m core reextract [--db PATH] [--all]
    python -m core export [--db PATH] -o OUT.{csv,jsonl,parquet} [--actor X ...] [--from D] [--to D] [--q TEXT]
                          [--min-confidence C]
    python -m core stats [--db PATH]
    python -m core sort [--db PATH]
"""
from __future__ import annotations

import sys

from core.cli import add_db_option, cannot_write, fail
from core.filters import CONFIDENCE_PARAM, LIST_PARAMS, from_query, parse_date
from core.storage.store import StoreError


def register(subparsers) -> None:
    _ingest_parser(subparsers)
    p = subparsers.add_parser("reextract", help="re-run the current extractor on articles stored by another version")
    _add_common(p)
    p.add_argument("--all", action="store_true", help="re-extract every article, whatever its version")
    p.set_defaults(func=run_reextract)
    _export_parser(subparsers)
    p = subparsers.add_parser("stats", help="counts of what the database holds")
    _add_common(p, progress=False)
    p.set_defaults(func=run_stats)
    p = subparsers.add_parser("sort", help="store the positions in (actor, date) order again, after many ingests "
                              "(filtered reads then skip more of the file)")
    _add_common(p, progress=False)
    p.set_defaults(func=run_sort)


def _add_common(p, *, progress: bool = True) -> None:
    add_db_option(p)
    if progress:
        p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _ingest_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "ingest", help="add articles (files, folders, http(s) URLs) to the database",
        epilog="Exit status 0 when something was stored or already there, 1 when every input failed.")
    _add_common(p)
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="corpus files (.jsonl, .csv), article files (.txt, .html, .md), folders, or http(s) URLs")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="publication date for inputs that give none")
    p.add_argument("--sample", action="store_true", help="load the bundled sample article if the database is empty")
    p.set_defaults(func=run_ingest)


def _export_parser(subparsers) -> None:
    p = subparsers.add_parser("export", help="write filtered positions to .csv, .jsonl or .parquet")
    _add_common(p, progress=False)
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="output file (.csv, .jsonl, .parquet)")
    for name in LIST_PARAMS:
        p.add_argument(f"--{name}", action="append", default=[], metavar="VALUE",
                       help=f"keep rows with this {name} (repeat for several: any of them)")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="keep positions dated on or after")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="keep positions dated on or before")
    p.add_argument("--q", default="", metavar="TEXT", help="text in the sentence, quote, speaker or title")
    p.add_argument("--min-confidence", metavar="0-1",
                   help="keep positions the extractor scored at least this sure of (reviewed ones always)")
    p.set_defaults(func=run_export)


def _open(args, *, read_only: bool = False):
    """The store; reading commands open it read-only, so they work on a read-only file and beside
    another reader (a read-write open would wait for, and block, everyone else)."""
    from core.storage.store import open_store
    return open_store(args.db, read_only=read_only)


def _progress(args, label: str):
    if args.no_progress:
        return None
    from tqdm import tqdm

    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = tqdm(total=total, unit="article", desc=label, file=sys.stderr, disable=None)
        state["bar"].update(done - state["bar"].n)
        if done >= total:
            state["bar"].close()
    return update


def run_ingest(args) -> int:
    from core.ingest.ingest import ingest_paths
    from core.ingest.sample import ensure_sample

    if not args.inputs and not args.sample:
        return fail("give INPUT files, folders or URLs, or --sample", 2)
    if args.published and parse_date(args.published) is None:
        return fail(f"--published {args.published!r} is not a date; write YYYY-MM-DD", 2)
    try:
        store = _open(args)
        if args.sample:
            loaded = ensure_sample(store)
            print("sample: " + (str(loaded) if loaded else "database not empty, sample not loaded"), file=sys.stderr)
        if not args.inputs:
            return 0
        summary = ingest_paths(store, args.inputs, published=args.published, progress=_progress(args, "ingest"))
    except StoreError as err:
        return fail(err)
    for line in summary.details():
        print(line, file=sys.stderr)
    print(f"{summary} -> {store.path}", file=sys.stderr)
    if summary.error:
        return fail(summary.error)
    return 0 if summary.new or summary.duplicate or not summary.failed else 1


def run_reextract(args) -> int:
    from core.ingest.reextract import reextract

    try:
        summary = reextract(_open(args), force=args.all, progress=_progress(args, "reextract"))
    except StoreError as err:
        return fail(err)
    for article_id, reason in summary.failed:
        print(f"failed {article_id}: {reason}", file=sys.stderr)
    print(summary, file=sys.stderr)
    return 1 if summary.failed else 0


def run_export(args) -> int:
    from core.storage.export import export_positions

    params = {name: getattr(args, name) for name in LIST_PARAMS}
    params.update({"from": args.date_from or [], "to": args.date_to or [], "q": args.q,
                   CONFIDENCE_PARAM: args.min_confidence or []})
    filters = from_query(params)
    if filters.notices:
        for notice in filters.notices:
            print(f"error: {notice}", file=sys.stderr)
        return 2
    try:
        store = _open(args, read_only=True)
        n = export_positions(store, filters, args.output)
        unknown = [] if n else _unknown_values(store, params)
    except (StoreError, ValueError) as err:
        return fail(err)
    except OSError as err:
        return cannot_write(args.output, err)
    for line in unknown:
        print(f"note: {line}", file=sys.stderr)
    print(f"{n} positions -> {args.output}", file=sys.stderr)
    return 0


def _unknown_values(store, params: dict) -> list[str]:
    """For an empty export: the filter values no stored position has (a typo, or the wrong case)."""
    facets = store.facets()
    return [f"no position has {name} {value!r}; stored values: {', '.join(facets[name][:12]) or 'none'}"
            for name in LIST_PARAMS for value in params[name] if value not in facets[name]]


def run_stats(args) -> int:
    from core.analysis.stats import stats_lines

    try:
        lines = stats_lines(_open(args, read_only=True))
    except StoreError as err:
        return fail(err)
    print("\n".join(lines))
    return 0



def run_sort(args) -> int:
    """Rows ingested since the last sort sit at the end in arrival order; rewriting the table restores the
    order filtered reads rely on (core/storage/layout.py). One transaction: readers see before or after."""
    import time

    from core.storage.layout import sort_positions

    start = time.perf_counter()
    try:
        store = _open(args)
        with store.transaction() as conn:
            n = sort_positions(conn)
        store.checkpoint()
    except StoreError as err:
        return fail(err)
    print(f"stored {n:,} positions in (actor, date) order in {time.perf_counter() - start:.1f} s")
    return 0
