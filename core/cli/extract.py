"""`python -m core extract INPUT... -o OUT.{jsonl,csv,parquet}`"""
from __future__ import annotations

import sys

from core.cli import cannot_write, fail
from core.ingest.readers import read_inputs
from core.schema import articles_frame
from core.storage.writers import OUTPUT_FORMATS, check_output, write_positions


def register(subparsers) -> None:
    p = subparsers.add_parser("extract", help="extract positions from articles into a file")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="corpus files (.jsonl, .csv) or article files (.txt, .html, .md)")
    p.add_argument("-o", "--output", required=True, help=f"output file ({', '.join(OUTPUT_FORMATS)})")
    p.add_argument("--published", help="publication date YYYY-MM-DD for files that give none")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=run)


def run(args) -> int:
    from core import extract_corpus

    try:
        check_output(args.output)  # before minutes of extraction, not after
    except ValueError as err:
        return fail(err, 2)
    result = read_inputs(args.inputs, published=args.published)
    for note in result.notes:
        print(f"note {note}", file=sys.stderr)
    for problem in result.problems:
        print(f"skipped {problem}", file=sys.stderr)
    if not result.articles:
        print("error: no article could be read; nothing written", file=sys.stderr)
        return 1
    articles = articles_frame(result.articles)
    positions = extract_corpus(articles, progress=None if args.no_progress else _progress_bar(len(articles)))
    try:
        write_positions(positions, args.output)
    except OSError as err:
        return cannot_write(args.output, err)
    print(f"{len(positions)} positions from {len(articles)} articles -> {args.output}"
          f" ({len(result.problems)} skipped)", file=sys.stderr)
    return 0


def _progress_bar(total: int):
    from tqdm import tqdm

    bar = tqdm(total=total, unit="article", file=sys.stderr, disable=None)
    return bar.update
