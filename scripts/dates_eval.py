"""Measure core.dates.resolve_date against the dev gold.

    .venv/bin/python scripts/dates_eval.py [--shared ../shared] [--errors N]

For every gold position it resolves the gold sentence against its article's
publication date and compares with the gold `date` at the gold's precision
(gold `2021-12` matches `2021-12-01`), as ../shared/eval/score.py does. Three
ways of carrying the date of a statement into the sentences that continue it:
  none      every sentence on its own;
  always    each sentence gets the date resolved for the previous gold sentence
            of the same article (an upper bound for what carrying can buy);
  continue  only sentences that look like continuations (core.dates.looks_continuing), each taking
            the date resolved (and itself carried) for the previous gold sentence;
  continue1 the same, but the previous sentence's own date, resolved without carrying (no chains).
Reads ../shared/gold/dev.jsonl and ../shared/corpus/*.jsonl; exits 0 with a message when absent.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.dates import ResolvedDate, looks_continuing, resolve_date  # noqa: E402
from scripts.shared_data import DEFAULT_SHARED, corpus_by_id, gold_rows, no_gold  # noqa: E402

MODES = ("none", "always", "continue", "continue1")


def load(shared: Path):
    return corpus_by_id(shared), gold_rows(shared)


def sentences_in_order(articles: dict, gold: list[dict]) -> dict[str, list[str]]:
    """Unique gold sentences per article, in the order they stand in the text."""
    by_article = defaultdict(set)
    for g in gold:
        by_article[g["article_id"]].add(g["sentence"])
    return {aid: sorted(sents, key=lambda s: articles[aid]["text"].find(s)) for aid, sents in by_article.items()}


def resolve_all(articles, ordered, mode: str) -> dict[tuple[str, str], ResolvedDate]:
    out = {}
    for aid, sents in ordered.items():
        published = articles[aid]["published"]
        previous = own = None
        for s in sents:
            carry = None
            if mode == "always" or (mode == "continue" and looks_continuing(s)):
                carry = previous
            elif mode == "continue1" and looks_continuing(s):
                carry = own
            out[(aid, s)] = resolve_date(s, published, previous=carry)
            previous, own = out[(aid, s)], resolve_date(s, published)
    return out


def matches(gold_date: str, value: str) -> bool:
    return value[:len(gold_date)] == gold_date


def report(articles, gold, resolved, mode: str, errors: int) -> float:
    total = ok = diff_total = diff_ok = 0
    wrong = []
    for g in gold:
        r = resolved[(g["article_id"], g["sentence"])]
        hit = matches(g["date"], r.value)
        total += 1
        ok += hit
        if g["date"] != articles[g["article_id"]]["published"]:
            diff_total += 1
            diff_ok += hit
        if not hit:
            wrong.append((g, r))
    print(f"{mode:9s} accuracy {ok / total:.3f} ({ok}/{total}); "
          f"where gold differs from publication: {diff_ok / max(diff_total, 1):.3f} ({diff_ok}/{diff_total})")
    seen = set()
    for g, r in wrong:
        if len(seen) >= errors:
            break
        if g["sentence"] in seen:
            continue
        seen.add(g["sentence"])
        pub = articles[g["article_id"]]["published"]
        print(f"   pub {pub} gold {g['date']:10s} got {r.value:10s} [{r.rule}: {r.expression}] {g['sentence'][:150]}")
    return ok / total


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(DEFAULT_SHARED))
    ap.add_argument("--errors", type=int, default=0, help="print up to N wrong sentences per mode")
    ap.add_argument("--mode", choices=MODES, action="append", help="only these modes (default: all)")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if no_gold(shared):
        return 0
    articles, gold = load(shared)
    ordered = sentences_in_order(articles, gold)
    for mode in args.mode or MODES:
        start = time.perf_counter()
        resolved = resolve_all(articles, ordered, mode)
        report(articles, gold, resolved, mode, args.errors)
        print(f"          {len(resolved)} sentences in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
