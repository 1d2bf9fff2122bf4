"""`python -m core evaluate [--gold PATH] [--corpus DIR] [--report FILE.json]`"""
from __future__ import annotations

import sys
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("evaluate", help="extract the gold's articles and score them with ../shared/eval/score.py")
    p.add_argument("--shared", type=Path, default=None, help="the shared folder (default: $PARLEY_SHARED, else ../shared beside the project)")
    p.add_argument("--gold", type=Path, help="gold positions (default: SHARED/gold/dev.jsonl)")
    p.add_argument("--corpus", type=Path, help="folder of corpus .jsonl files (default: SHARED/corpus)")
    p.add_argument("--report", type=Path, help="also write the full report as JSON here (e.g. models/eval_report.json)")
    p.set_defaults(func=run)


def run(args) -> int:
    from core.measure.evaluate import SharedMissing, evaluate, format_report, write_report

    try:
        rep = evaluate(gold=args.gold, corpus=args.corpus, shared=args.shared)
    except SharedMissing as err:
        print(f"skipped: {err}", file=sys.stderr)
        return 0
    print(format_report(rep))
    if args.report:
        write_report(rep, args.report)
        print(f"report written to {args.report}", file=sys.stderr)
    return 0
