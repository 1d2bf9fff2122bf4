"""What a page sends to the browser: the protobuf bytes of each element it draws, under AppTest.

    .venv/bin/python bench/bench_payload.py --db PATH articles positions [--param _article=ID …]

Run by hand, not in the suite. A page's elements travel to the browser as these protobuf messages (a
table's rows as Arrow bytes inside its message, a selectbox's options as strings), so their sizes say what
a page costs the browser's connection, apart from Streamlit's own scripts and the websocket's framing.
Printed per page: the total and the largest elements (kind, bytes, and a label where the element has one).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TOP = 6  # the largest elements listed per page


def leaves(node):
    """Every drawn element under `node` (blocks are containers; their own messages are tiny)."""
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for child in children.values():
        yield from leaves(child)


def describe(element) -> str:
    label = getattr(element, "label", None) or getattr(element, "key", None) or ""
    return str(label)[:50]


def measure(page: str, params: dict[str, str]) -> list[tuple[int, str, str]]:
    """(bytes, kind, label) of every element the page draws, largest first."""
    from tests.dashboard_data import open_page

    at = open_page(f"app_pages/{page}.py", 600, **params)
    sizes = [(e.proto.ByteSize(), e.type, describe(e)) for e in leaves(at._tree) if getattr(e, "proto", None)]
    return sorted(sizes, reverse=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pages", nargs="+", help="page names: articles, positions, …")
    ap.add_argument("--db", type=Path, required=True, help="the database the pages read ($PARLEY_DB)")
    ap.add_argument("--param", action="append", default=[], help="a URL parameter, NAME=VALUE (repeatable)")
    args = ap.parse_args()
    os.environ["PARLEY_DB"] = str(args.db)
    params = dict(p.split("=", 1) for p in args.param)
    for page in args.pages:
        sizes = measure(page, params)
        print(f"{page} {params or ''}: {sum(s for s, _, _ in sizes):,} bytes in {len(sizes)} elements")
        for size, kind, label in sizes[:TOP]:
            print(f"  {size:>10,}  {kind:<16} {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
