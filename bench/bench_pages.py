"""Dashboard benchmark: server-side run time of each page script, and of a filter change, at 100,000 positions.

    .venv/bin/python bench/bench_pages.py [--positions 100000] [--articles 63] [--runs 7] [--db PATH]

What is measured, and what is synthetic (the output says so too):

1. The database. The shared corpus (../shared/corpus/*.jsonl, first --articles articles) is ingested
   with the real extractor; then its rows are repeated, in SQL, until --positions positions:
   SYNTHETIC copies, labelled `bench: synthetic copy` in articles.source, with new article and
   position ids and dates shifted by up to ±2 years. --db reuses a database built before.
2. Pages. Each page script runs under Streamlit's AppTest (the script run on the server, without
   the browser's drawing): runs with empty caches ("cold", median of --runs/2) and then --runs runs with warm
   caches, as a user reloading or sharing a link hits them; medians in milliseconds. The component
   scan a server does once at start-up is done once for all pages, not inside each cold run.
3. Filter change. On the Positions and Overview pages, the Stance filter is set to a new value
   through its sidebar widget, each value not seen before (so the query misses the cache),
   median over the nine stances.
Memory: the process's peak resident set size (AppTest runs the pages in this process).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from core.ingest.ingest import ingest_articles  # noqa: E402
from core.paths import shared_dir  # noqa: E402
from core.schema import STANCES  # noqa: E402
from core.storage.store import open_store  # noqa: E402

CORPUS = shared_dir() / "corpus"
PAGES = ["overview", "timeline", "actors", "issues", "network", "positions", "articles", "ingest"]
SYNTHETIC = "bench: synthetic copy"
PAGE_TARGET_MS, CHANGE_TARGET_MS = 1000, 500


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_db(path: Path, n_articles: int, n_positions: int) -> dict:
    rows = []
    for f in sorted(CORPUS.glob("*.jsonl")):
        rows += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    store = open_store(path)
    start = time.perf_counter()
    summary = ingest_articles(store, rows[:n_articles])
    extract_s = time.perf_counter() - start
    real = store.counts()["positions"]
    grow(store, n_positions)
    return {"real_articles": summary.counts()["new"], "real_positions": real, "extract_s": extract_s}


def _columns(conn, table: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position",
        {"t": table}).fetchall()]


def grow(store, target: int) -> None:
    """Repeat the real rows (SYNTHETIC copies: new ids, shifted dates, labelled) until `target` positions."""
    with store.connect(write=True) as conn:
        base = conn.execute("SELECT count(*) FROM positions").fetchone()[0]
        reps = max(0, -(-target // base) - 1)
        conn.execute("CREATE TEMP TABLE reps AS SELECT range AS r, ((range * 37) % 1461) - 730 AS shift"
                     " FROM range(1, $n + 1)", {"n": reps})
        art_expr = {"article_id": "a.article_id || '~syn' || r", "url": "NULL", "source": "$source",
                    "text_hash": "a.text_hash || '~syn' || r",
                    "published": "strftime(CAST(a.published AS DATE) + CAST(shift AS INTEGER), '%Y-%m-%d')"}
        pos_expr = {"position_id": "p.position_id || '~syn' || r", "article_id": "p.article_id || '~syn' || r",
                    "date": "CASE p.date_precision"
                    "  WHEN 'day' THEN strftime(CAST(p.date AS DATE) + CAST(shift AS INTEGER), '%Y-%m-%d')"
                    "  WHEN 'month' THEN strftime(CAST(p.date || '-01' AS DATE) + to_months(CAST(shift / 30 AS INTEGER)), '%Y-%m')"
                    "  ELSE CAST(CAST(p.date AS INTEGER) + CAST(shift / 365 AS INTEGER) AS VARCHAR) END"}
        acols, pcols = _columns(conn, "articles"), _columns(conn, "positions")
        conn.execute("BEGIN TRANSACTION")
        conn.execute(f"INSERT INTO articles ({', '.join(acols)}) SELECT "
                     + ", ".join(art_expr.get(c, f"a.{c}") for c in acols) + " FROM articles a, reps",
                     {"source": SYNTHETIC})
        conn.execute(f"INSERT INTO positions ({', '.join(pcols)}) SELECT "
                     + ", ".join(pos_expr.get(c, f"p.{c}") for c in pcols) + " FROM positions p, reps")
        conn.execute("COMMIT")
    with store.transaction() as conn:  # the copies' statement ids and shifts, as a writer would store them
        from core.storage import derived
        derived.refresh(conn)
    store.checkpoint()


_COMPONENTS = []  # one component registry for every AppTest, as one server process has


def page_app(page: str) -> AppTest:
    """The page under AppTest. A new AppTest scans every installed package for Streamlit components
    on its first run (~0.4 s here); a server does that once at start-up, not per page view, so the
    scan is done once and shared, and a cold run times the page, not the test harness."""
    at = AppTest.from_file(str(ROOT / "app_pages" / f"{page}.py"), default_timeout=120)
    if not _COMPONENTS:
        from streamlit.components.v2.component_manager import BidiComponentManager

        manager = BidiComponentManager()
        manager.discover_and_register_components(start_file_watching=False)
        _COMPONENTS.append(manager)
    at._bidi_component_manager = _COMPONENTS[0]
    return at


def _clear_caches() -> None:
    """Every query result, cache_data or resource, as after an ingest: the next run is cold."""
    from ui import cache

    st.cache_data.clear()
    cache.clear()


def timed_run(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    ms = (time.perf_counter() - start) * 1000
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return ms


def bench_page(page: str, runs: int) -> dict:
    colds = []
    for _ in range(max(1, runs // 2)):  # a single cold run swings by a fifth with the machine's load
        _clear_caches()
        colds.append(timed_run(page_app(page)))
    cold = statistics.median(colds)
    at = page_app(page)
    warm = [timed_run(at) for _ in range(runs)]
    return {"cold_ms": cold, "warm_ms": statistics.median(warm)}


def bench_filter_change(page: str) -> float:
    _clear_caches()
    at = page_app(page)
    timed_run(at)
    times = []
    for stance in STANCES:
        at.multiselect(key="flt_stance").set_value([stance])
        times.append(timed_run(at))
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--positions", type=int, default=100_000)
    ap.add_argument("--articles", type=int, default=63)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--db", type=Path, help="reuse (or keep) the database at this path")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name) / "bench.duckdb"
    if not db.exists():
        built = build_db(db, args.articles, args.positions)
        print(f"database: {built['real_articles']} real articles, {built['real_positions']:,} real positions "
              f"(extracted in {built['extract_s']:.0f} s), repeated to {args.positions:,} (SYNTHETIC copies)")
    os.environ["PARLEY_DB"] = str(db)
    counts = open_store(db).counts()
    print(f"database {db}: {counts['positions']:,} positions, {counts['articles']:,} articles\n")
    print(f"{'page':<11}{'cold ms':>9}{'warm ms':>9}   target < {PAGE_TARGET_MS} ms")
    for page in PAGES:
        r = bench_page(page, args.runs)
        flag = "ok" if max(r["cold_ms"], r["warm_ms"]) < PAGE_TARGET_MS else "SLOW"  # a first view counts too
        print(f"{page:<11}{r['cold_ms']:>9.0f}{r['warm_ms']:>9.0f}   {flag}")
    print(f"\nfilter change (stance, new value each time: cache miss)   target < {CHANGE_TARGET_MS} ms")
    for page in ("positions", "overview"):
        ms = bench_filter_change(page)
        print(f"{page:<11}{ms:>9.0f} ms   {'ok' if ms < CHANGE_TARGET_MS else 'SLOW'}")
    print(f"\npeak memory (RSS) of this process: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
