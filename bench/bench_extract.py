"""Benchmark: the full extractor against spaCy's bare nlp.pipe over the same texts, in one run.

    .venv/bin/python bench/bench_extract.py [--articles 120] [--shared ../shared]

Extracts the shared corpus repeated to at least --articles articles; prints words/s
for both, their ratio (target: extractor >= 0.35x the bare parse since the sentence encoder; 0.7x before) and peak memory.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.paths import shared_dir  # noqa: E402


def load_articles(shared: Path, n: int) -> list[dict]:
    base = [json.loads(line) for f in sorted((shared / "corpus").glob("*.jsonl"))
            for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    while len(out) < n:
        out += [{**a, "id": f"{a['id']}#{len(out) + k}"} for k, a in enumerate(base)]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--runs", type=int, default=2, help="interleaved runs; the best time of each counts (shared CPUs)")
    ap.add_argument("--shared", type=Path, default=shared_dir())
    args = ap.parse_args(argv)
    if not (args.shared / "corpus").is_dir():
        print(f"skipped: no corpus at {args.shared}/corpus", file=sys.stderr)
        return 0
    from core import extract_corpus
    from core.extract.classifier import load_model
    from core.extract.nlp import load_nlp
    from core.schema import articles_frame

    articles = load_articles(args.shared, args.articles)
    nlp = load_nlp()
    load_model()
    extract_corpus(articles_frame(articles[:1]))  # warm up: registry, matchers, model
    from core.extract.pipeline import prepare_text
    # the bare parse gets the very texts the extractor parses (boilerplate already blanked)
    texts = [prepare_text(a["text"], a.get("title")) for a in articles]
    words = sum(len(t.split()) for t in texts)

    bare = full = float("inf")
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=8):
            pass
        bare = min(bare, time.perf_counter() - t0)
        t0 = time.perf_counter()
        positions = extract_corpus(articles_frame(articles))
        full = min(full, time.perf_counter() - t0)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles: {len(articles)}  words: {words}  positions: {len(positions)}")
    print(f"bare nlp.pipe: {words / bare:8.0f} words/s  ({bare:.1f} s)")
    print(f"extractor:     {words / full:8.0f} words/s  ({full:.1f} s)")
    print(f"ratio extractor/bare: {bare / full:.2f}x  (target >= 0.35x)")
    print(f"peak memory: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
