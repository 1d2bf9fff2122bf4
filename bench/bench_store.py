"""Store benchmark: ingest rate at 1,000 articles and query latency at 1,000,000 positions.

    .venv/bin/python bench/bench_store.py [--articles 1000] [--positions 1000000] [--runs 15] [--keep DIR]

What is measured, and what is synthetic (the output says so too):

1. Ingest. The shared corpus (../shared/corpus/*.jsonl) is repeated to
   --articles articles. Repeats are SYNTHETIC: new ids, no URL, and a marker
   line appended to the text (so they are not duplicates). The real extractor
   runs once per distinct text (timed separately); repeats reuse those
   positions, so the ingest figure is the store's own cost (dedupe check,
   one transaction per article, one connection per article). Peak memory is
   the process's peak RSS (it includes the spaCy model).
2. Queries. The positions of step 1 are repeated, in SQL, to --positions rows:
   SYNTHETIC copies with new position and article ids and dates shifted by up
   to +-2 years, then stored in (actor, date) order as migration 015 leaves a
   database (core/storage/layout.py; rows ingested later are appended in arrival
   order). Each query is timed with a fresh connection (as the dashboard
   calls it: open, query, close) and again inside one session (connection
   already open); medians over --runs runs.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.filters import Filters  # noqa: E402
from core.ingest.ingest import ingest_articles  # noqa: E402
from core.paths import shared_dir  # noqa: E402
from core.storage.export import export_positions  # noqa: E402
from core.storage.layout import sort_positions  # noqa: E402
from core.storage.store import open_store  # noqa: E402

CORPUS = shared_dir() / "corpus"

QUERIES = {
    "dashboard table: actor=Russia, stance in (demand, warning), 2022, limit 500":
        (Filters(actor=("Russia",), stance=("demand", "warning"),
                 date_from=dt.date(2022, 1, 1), date_to=dt.date(2022, 12, 31)), 500),
    "text search q='sanctions', actor in (United States, European Union), limit 500":
        (Filters(q="sanctions", actor=("United States", "European Union")), 500),
    "outlet in (Reuters, TASS), issue=nato_enlargement, limit 500":
        (Filters(outlet=("Reuters", "TASS"), issue=("nato_enlargement",)), 500),
    "no filter, first 500": (Filters(), 500),
    "dashboard filter as above, ALL matching rows (no limit)":
        (Filters(actor=("Russia",), stance=("demand", "warning"),
                 date_from=dt.date(2022, 1, 1), date_to=dt.date(2022, 12, 31)), None),
}
EXPORT_FILTER = QUERIES["dashboard table: actor=Russia, stance in (demand, warning), 2022, limit 500"][0]


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_corpus() -> list[dict]:
    from core.ingest.readers import read_inputs

    if not CORPUS.is_dir():
        sys.exit(f"bench needs the shared corpus at {CORPUS}")
    result = read_inputs(sorted(CORPUS.glob("*.jsonl")))
    return result.articles


def extract_once(articles: list[dict]) -> tuple[dict, float]:
    """Real extraction of each distinct article; returns (positions by article_id, seconds)."""
    from core import extract_positions

    start = time.perf_counter()
    cache = {a["article_id"]: extract_positions(a["text"], article_id=a["article_id"],
                                                published=a["published"], title=a.get("title"))
             for a in articles}
    return cache, time.perf_counter() - start


def synthetic_repeats(articles: list[dict], total: int) -> list[dict]:
    out = []
    for k in range(math.ceil(total / len(articles))):
        for a in articles:
            if k == 0:
                out.append({**a, "origin": a["article_id"]})
            else:
                out.append({**a, "article_id": f"{a['article_id']}~rep{k}", "url": None, "origin": a["article_id"],
                            "text": a["text"] + f"\n\n[synthetic repeat {k}]"})
    return out[:total]


def bench_ingest(store, n_articles: int, scratch: Path) -> dict:
    articles = load_corpus()
    cache, extract_s = extract_once(articles)
    batch = synthetic_repeats(articles, n_articles)
    origin = {a["article_id"]: a["origin"] for a in batch}

    def cached_extract(text, *, article_id, published, title=None):
        return cache[origin[article_id]].assign(article_id=article_id)

    start = time.perf_counter()
    summary = ingest_articles(store, batch, extract=cached_extract)
    ingest_s = time.perf_counter() - start
    # for comparison: the same store path with 25 articles per connection (bulk loads)
    sample = batch[: min(300, len(batch))]
    start = time.perf_counter()
    ingest_articles(open_store(scratch / "batched.duckdb"), sample, extract=cached_extract, write_batch=25)
    batched_rate = len(sample) / (time.perf_counter() - start)
    return {"distinct_articles": len(articles), "extract_s": extract_s,
            "extract_rate": len(articles) / extract_s, "ingested": summary.counts(),
            "ingest_s": ingest_s, "ingest_rate": len(batch) / ingest_s, "batched_n": len(sample),
            "batched_rate": batched_rate, "positions": store.counts()["positions"], "peak_rss_mb": peak_rss_mb()}


def grow_positions(store, target: int) -> dict:
    """Repeat the stored rows in SQL until `target` positions (SYNTHETIC: new ids, shifted dates)."""
    start = time.perf_counter()
    with store.connect(write=True) as conn:
        base = conn.execute("SELECT count(*) FROM positions").fetchall()[0][0]
        reps = max(0, math.ceil(target / base) - 1)
        conn.execute("CREATE TEMP TABLE reps AS SELECT range AS r, ((range * 37) % 1461) - 730 AS shift"
                     " FROM range(1, $n + 1)", {"n": reps})
        conn.execute("BEGIN TRANSACTION")
        conn.execute(
            "INSERT INTO articles (article_id, title, outlet, url, published, text, text_hash, source,"
            " extractor_version) SELECT a.article_id || '~syn' || r, a.title, a.outlet, NULL,"
            " strftime(CAST(a.published AS DATE) + CAST(shift AS INTEGER), '%Y-%m-%d'), a.text,"
            " a.text_hash || '~syn' || r, $source, a.extractor_version FROM articles a, reps",
            {"source": "bench: synthetic copy"})
        conn.execute(
            "INSERT INTO positions SELECT p.position_id || '~syn' || r, p.article_id || '~syn' || r,"
            " p.sentence, p.char_start, p.char_end, p.actor, p.speaker, p.target, p.stance, p.issue,"
            " CASE p.date_precision"
            "  WHEN 'day' THEN strftime(CAST(p.date AS DATE) + CAST(shift AS INTEGER), '%Y-%m-%d')"
            "  WHEN 'month' THEN strftime(CAST(p.date || '-01' AS DATE) + to_months(CAST(shift / 30 AS INTEGER)), '%Y-%m')"
            "  ELSE CAST(CAST(p.date AS INTEGER) + CAST(shift / 365 AS INTEGER) AS VARCHAR) END,"
            " p.date_precision, p.hedged, p.quote, p.confidence, p.rule_id, p.cue, p.extractor_version,"
            " p.created_at FROM positions p, reps")
        conn.execute("COMMIT")
        # A bulk load appends in load order; stored as migration 015 leaves a database (core/storage/layout.py)
        sort_start = time.perf_counter()
        conn.execute("BEGIN TRANSACTION")
        sort_positions(conn)
        conn.execute("COMMIT")
        sort_s = time.perf_counter() - sort_start
        conn.execute("CHECKPOINT")
        n = conn.execute("SELECT count(*) FROM positions").fetchall()[0][0]
        n_art = conn.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    return {"positions": n, "articles": n_art, "build_s": time.perf_counter() - start, "sort_s": sort_s,
            "db_mb": store.path.stat().st_size / 1e6}


CPU_MS: dict[int, float] = {}  # id(fn) -> median CPU ms of its last timing (all threads of this process)


def median_ms(fn, runs: int) -> tuple[float, object]:
    """Median wall-clock ms over `runs` calls (CPU ms kept in CPU_MS: the box is shared)."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    CPU_MS[id(fn)] = statistics.median(cpu)
    return statistics.median(times), result


def bench_queries(store, runs: int, out_dir: Path) -> dict:
    res: dict = {}

    def open_only():
        with store.connect():
            pass
    res["open+close a connection"] = median_ms(open_only, runs)[0], None
    for label, (filters, limit) in QUERIES.items():
        cold, df = median_ms(lambda f=filters, n=limit: store.query_positions(f, limit=n), runs)
        with store.session():
            query = lambda f=filters, n=limit: store.query_positions(f, limit=n)  # noqa: E731
            warm, _ = median_ms(query, runs)
            warm_cpu = CPU_MS[id(query)]
            total, count = median_ms(lambda f=filters: store.count_positions(f), runs)
        res[label] = (cold, warm, len(df), total, count, warm_cpu)
    res["facets()"] = median_ms(store.facets, runs)[0], None
    res["counts()"] = median_ms(store.counts, runs)[0], None
    export_ms, n = median_ms(lambda: export_positions(store, EXPORT_FILTER, out_dir / "export.parquet"),
                             max(3, runs // 3))
    res["export (dashboard filter, all rows) -> parquet"] = export_ms, n
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--positions", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--keep", metavar="DIR", help="keep the database in DIR (default: a temporary folder)")
    ap.add_argument("--queries-only", metavar="DB", help="only time the queries, on a database an earlier --keep run built")
    args = ap.parse_args()
    print(f"load average at start: {load_average()} (2 cores shared with other work: wall times vary)")
    if args.queries_only:
        store = open_store(args.queries_only, read_only=True)
        with tempfile.TemporaryDirectory() as tmp:
            print(f"Queries over {store.counts()['positions']:,} positions in {store.path}")
            print_queries(bench_queries(store, args.runs, Path(tmp)), args.runs)
        print(f"load average at end: {load_average()}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = Path(args.keep or tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        store = open_store(out_dir / "bench.duckdb")
        if not store.is_empty():
            sys.exit(f"{store.path} is not empty; give an empty --keep folder")
        ing = bench_ingest(store, args.articles, out_dir)
        print_ingest(ing)
        grown = grow_positions(store, args.positions)
        print(f"\n2. Queries over {grown['positions']:,} positions / {grown['articles']:,} articles "
              f"(SYNTHETIC copies of the rows above: new ids, dates shifted up to +-2 years; "
              f"built in {grown['build_s']:.0f} s, file {grown['db_mb']:.0f} MB; stored in (actor, date) order as "
              f"migration 015 leaves a database: {grown['sort_s']:.0f} s of the build)")
        print_queries(bench_queries(store, args.runs, out_dir), args.runs)
        print(f"\npeak RSS of the whole run: {peak_rss_mb():.0f} MB; load average at end: {load_average()}")
        print(json.dumps({"ingest": ing, "grown": grown}, default=str), file=sys.stderr)


def print_ingest(r: dict) -> None:
    print(f"1. Ingest {sum(r['ingested'].values()):,} articles ({r['distinct_articles']} real corpus articles, "
          f"the rest SYNTHETIC repeats with new ids)")
    print(f"   real extraction, once per distinct text: {r['extract_s']:.1f} s = {r['extract_rate']:.1f} articles/s")
    print(f"   store ingest (extraction reused for repeats), one connection per article (the default):"
          f" {r['ingest_s']:.1f} s = {r['ingest_rate']:.1f} articles/s -> {r['ingested']}, {r['positions']:,} positions")
    print(f"   same, write_batch=25 (one connection per 25 articles), first {r['batched_n']} articles:"
          f" {r['batched_rate']:.1f} articles/s")
    est = 1 / (1 / r["extract_rate"] + 1 / r["ingest_rate"])
    print(f"   end-to-end estimate with real extraction of every article: {est:.1f} articles/s")
    print(f"   peak RSS so far: {r['peak_rss_mb']:.0f} MB (includes the spaCy model)")


def print_queries(res: dict, runs: int) -> None:
    print(f"   median of {runs} runs, ms; 'cold' = open a connection, query, close (each dashboard call);"
          " 'warm' = inside store.session(); CPU = process CPU ms of the warm query, all threads")
    for label, value in res.items():
        if len(value) == 6:
            cold, warm, rows, count_ms, count, warm_cpu = value
            print(f"   {label}\n      rows {rows:,} of {count:,} | cold {cold:6.1f} | warm {warm:6.1f}"
                  f" (CPU {warm_cpu:5.1f}) | count(*) warm {count_ms:6.1f}")
        else:
            ms, extra = value
            print(f"   {label}: {ms:.1f}" + (f" ({extra:,} rows)" if extra is not None else ""))


if __name__ == "__main__":
    main()
