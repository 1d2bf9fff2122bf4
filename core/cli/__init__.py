"""`python -m core COMMAND`: a thin layer that parses arguments and calls the library.

Each command lives in its own module with `register(subparsers)`, which adds the
subcommand and sets `func(args) -> int` (the exit code).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMAND_MODULES = ("core.cli.extract", "core.cli.evaluate", "core.cli.store_commands", "core.cli.review_commands",
                   "core.cli.backup_commands", "core.cli.feed_commands")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core", description="Parley: positions from news articles.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:  # a missing command module is a broken install: let its ImportError say so
        importlib.import_module(name).register(subparsers)
    return parser


def add_db_option(p) -> None:
    from core.paths import DB_ENV as ENV_VAR

    p.add_argument("--db", metavar="PATH",
                   help=f"database file (default: ${ENV_VAR}, else data/parley.duckdb in the project)")


def fail(message: object, code: int = 1) -> int:
    """Print `error: message` on stderr and return the exit code."""
    print(f"error: {message}", file=sys.stderr)
    return code


def cannot_write(path, err: OSError) -> int:
    return fail(f"cannot write {path}: {err.strerror or err}; choose another -o path")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `python -m core stats | head`: the reader left early, which is no error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's advice: no second error at exit
        return 0
