"""Measure core.extract.dates.resolve_date against the dev gold.

    .venv/bin/python scripts/dates_eval.py [--shared ../shared] [--errors N]

For every gold position it resolves the gold sentence against its article's
publication date and compares with the gold `date` at the gold's precision
(gold `2021-12` matches `2021-12-01`), as ../shared/eval/score.py does. Three
ways of carrying the date of a statement into the sentences that continue it:
  none      every sentence on its own;
  always    each sentence gets the date resolved for the previous gold sentence
            of the same article (an upper bound for what carrying can buy);
  continue  only sentences that look like continuations (core.extract.dates.looks_continuing), each taking
            the date resolved (and itself carried) for the previous gold sentence;
  continue1 the same, but the previous sentence's own date, resolved without carrying (no chains).
In `continue` and `continue1` a sentence with a gold speaker who was quoted earlier in the article
on a named day takes that day when it gives no time of its own (core.extract.dates.on_same_occasion), as
the pipeline does with the speakers it finds.
The first mode printed also gets an error breakdown by class (--no-breakdown to skip it).
Reads ../shared/gold/dev.jsonl and ../shared/corpus/*.jsonl; exits 0 with a message when absent.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.extract.dates import (  # noqa: E402
    ResolvedDate,
    find_date_expressions,
    looks_continuing,
    names_occasion,
    on_same_occasion,
    resolve_date,
)
from scripts.shared_data import DEFAULT_SHARED, corpus_by_id, gold_rows, no_gold  # noqa: E402

MODES = ("continue", "none", "always", "continue1")


def load(shared: Path):
    return corpus_by_id(shared), gold_rows(shared)


def sentences_in_order(articles: dict, gold: list[dict]) -> dict[str, list[str]]:
    """Unique gold sentences per article, in the order they stand in the text."""
    by_article = defaultdict(set)
    for g in gold:
        by_article[g["article_id"]].add(g["sentence"])
    return {aid: sorted(sents, key=lambda s: articles[aid]["text"].find(s)) for aid, sents in by_article.items()}


def speakers_of(gold: list[dict]) -> dict[tuple[str, str], set[str]]:
    """The named speakers of each (article, sentence)."""
    out = defaultdict(set)
    for g in gold:
        if g.get("speaker"):
            out[(g["article_id"], g["sentence"])].add(g["speaker"])
    return out


def resolve_all(articles, ordered, mode: str, speakers=None) -> dict[tuple[str, str], ResolvedDate]:
    out = {}
    by_speaker = mode in ("continue", "continue1") and speakers is not None
    for aid, sents in ordered.items():
        published = articles[aid]["published"]
        previous = own = None
        occasions: dict[str, ResolvedDate] = {}  # each speaker's latest named day
        for s in sents:
            carry = None
            if mode == "always" or (mode == "continue" and looks_continuing(s)):
                carry = previous
            elif mode == "continue1" and looks_continuing(s):
                carry = own
            got = resolve_date(s, published, previous=carry)
            own = resolve_date(s, published) if carry is not None else got
            if by_speaker:
                who = sorted(speakers.get((aid, s), ()))
                got = on_same_occasion(got, next((occasions[w] for w in who if w in occasions), None), published)
                if names_occasion(own):
                    occasions.update(dict.fromkeys(who, own))
            out[(aid, s)] = previous = got
    return out


def matches(gold_date: str, value: str) -> bool:
    return value[:len(gold_date)] == gold_date


def _precision(value: str) -> str:
    return {10: "day", 7: "month", 4: "year"}.get(len(value), "?")


def error_class(g: dict, r: ResolvedDate, published: str) -> str:
    """Which kind of mistake: the first of these classes that fits."""
    pub = published[:10]
    gold_is_pub = pub.startswith(g["date"])
    own_expr = [e.kind for e in find_date_expressions(g["sentence"])]
    if r.rule in ("previous", "speaker"):
        return f"carried ({r.rule}) date wrong" + (": gold is publication" if gold_is_pub else "")
    if r.rule in ("this_week", "last_week"):
        return "'this week'/'last week' convention"
    if r.rule == "published" or (r.rule == "none" and r.value == pub):
        if g["date"] > pub:
            return "gold later than publication"
        if not own_expr:
            gap = (_as_day(pub) - _as_day(g["date"])).days if len(g["date"]) == 10 else None
            if gap is not None and 1 <= gap <= 3:
                return "undated sentence, gold 1-3 days earlier (news day / continuation)"
            return f"undated sentence, gold an earlier {_precision(g['date'])}"
        if any(k in ("in_year", "last_year", "this_year") for k in own_expr) and len(g["date"]) == 4:
            return "year-only mention dropped"
        return "sentence's own expression dropped"
    if gold_is_pub:
        if r.rule in ("in_year", "last_year", "this_year"):
            return "year-only mention taken (event retold, gold is publication)"
        return "expression of a retold event taken (gold is publication)"
    if g["date"][:4] != r.value[:4] and (r.rule in ("in_year", "last_year", "this_year") or len(g["date"]) == 4):
        return "year-only mention, wrong year"
    return "other expression or wrong resolution"


def _as_day(value: str):
    import datetime as dt
    return dt.date.fromisoformat(value[:10])


def breakdown(articles, gold, resolved) -> None:
    """Errors by class, by (gold precision, predicted precision) and by gold against publication."""
    classes, precisions, direction, rules = Counter(), Counter(), Counter(), Counter()
    for g in gold:
        r = resolved[(g["article_id"], g["sentence"])]
        pub = articles[g["article_id"]]["published"][:10]
        side = "gold = publication" if pub.startswith(g["date"]) else (
            "gold earlier" if g["date"] < pub[:len(g["date"])] else "gold later")
        direction[side, "total"] += 1
        rules[r.rule, "total"] += 1
        if matches(g["date"], r.value):
            continue
        classes[error_class(g, r, pub)] += 1
        precisions[_precision(g["date"]), r.precision] += 1
        direction[side, "wrong"] += 1
        rules[r.rule, "wrong"] += 1
    n = sum(classes.values())
    print(f"  errors by class ({n}):")
    for name, k in classes.most_common():
        print(f"    {k:5d}  {name}")
    print("  errors by gold precision -> predicted precision:")
    for (gp, pp), k in precisions.most_common():
        print(f"    {k:5d}  {gp:5s} -> {pp}")
    print("  by gold date against publication (wrong/total):")
    for side in ("gold = publication", "gold earlier", "gold later"):
        print(f"    {side:20s} {direction[side, 'wrong']:5d}/{direction[side, 'total']}")
    print("  by deciding rule (wrong/total):")
    for rule in sorted({r for r, _ in rules}, key=lambda r: -rules[r, "wrong"]):
        print(f"    {rule:16s} {rules[rule, 'wrong']:5d}/{rules[rule, 'total']}")


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
    ap.add_argument("--no-breakdown", action="store_true", help="skip the error breakdown of the first mode")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if no_gold(shared):
        return 0
    articles, gold = load(shared)
    ordered = sentences_in_order(articles, gold)
    speakers = speakers_of(gold)
    for n, mode in enumerate(args.mode or MODES):
        start = time.perf_counter()
        resolved = resolve_all(articles, ordered, mode, speakers)
        report(articles, gold, resolved, mode, args.errors)
        if n == 0 and not args.no_breakdown:
            breakdown(articles, gold, resolved)
        print(f"          {len(resolved)} sentences in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
