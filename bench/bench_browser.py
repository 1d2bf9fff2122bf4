"""Browser benchmark: what a person waits for, page by page, in Chromium, at the real corpus and at 100,000 positions.

    .venv/bin/python bench/bench_browser.py [--corpus-db PATH] [--positions 100000] [--sizes corpus 100k]
                                            [--reloads 3] [--pages overview timeline …] [--keep DIR]

Run by hand, not in the suite (Playwright + Debian's Chromium at /usr/bin/chromium; bench/browser.py).

The databases (the output says which is which):
* corpus: every article of ../shared/corpus/*.jsonl ingested with the real extractor (`python -m core ingest`),
  or a copy of --corpus-db (a database an earlier run kept with --keep).
* 100k: a copy of the corpus database whose rows are repeated, in SQL, until --positions positions:
  SYNTHETIC copies (new article and position ids, dates shifted by up to ±2 years, `bench: synthetic copy` in
  articles.source), built by bench/bench_pages.py's grow().

What is timed, for every page of the dashboard (ui/nav.py), from navigation until the page's "Showing …" sentence
(its title on Ingest, Feeds, About) is drawn and Streamlit reports no running script:
* first view: a fresh `streamlit run app.py` (its data caches empty, as after an ingest), warmed by one visit to
  /about (the server's imports, not measured), then the page opened in a new browser context;
* reload: the browser's reload of that page, --reloads times, median (a new session; the server's caches warm).
* filter change, on the Overview and the Positions page: a stance chosen in the sidebar's Stance box, a value not
  chosen before (its query misses the cache), from the Enter key until the new sentence is drawn and no script
  runs; median over three stances.
Targets at 100,000 positions: first view <= 1.5 s, reload <= 1 s, filter change <= 0.5 s. The load average is
printed beside the figures: this machine's two cores are shared, and a busy machine slows every figure.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import CHROMIUM, ROOT, first_and_reloads, launch, start_server, stop_server, until_drawn, warm_up  # noqa: E402

sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
PAGES = {"overview": "", "timeline": "timeline", "actors": "actors", "issues": "issues", "network": "network",
         "positions": "positions", "articles": "articles", "ingest": "ingest", "feeds": "feeds", "review": "review",
         "shifts": "shifts", "about": "about"}
TITLED = {"ingest", "feeds", "about"}  # pages without a "Showing …" sentence: their title counts as drawn
TITLE = "[data-testid='stMain'] h1"
FIRST_MAX, RELOAD_MAX, CHANGE_MAX = 1.5, 1.0, 0.5
CHANGE_PAGES = ("overview", "positions")
CHANGE_STANCES = ("demand", "rejection", "warning")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def corpus_db(args, work: Path) -> Path:
    db = work / "corpus.duckdb"
    if args.corpus_db:
        shutil.copy(args.corpus_db, db)
        return db
    if not CORPUS.is_dir():
        raise SystemExit(f"the benchmark needs the shared corpus at {CORPUS} (or --corpus-db)")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "core", "ingest", "--no-progress", "--db", str(db), str(CORPUS)],
                   cwd=ROOT, check=True, capture_output=True)
    print(f"corpus ingested with the real extractor in {time.perf_counter() - start:.0f} s", flush=True)
    return db


def grown_db(source: Path, target: int, work: Path) -> Path:
    from bench_pages import grow

    from core.storage.store import open_store

    db = work / f"grown_{target}.duckdb"
    shutil.copy(source, db)
    grow(open_store(db), target)
    return db


def describe(db: Path) -> str:
    from core.storage.store import open_store

    c = open_store(db, read_only=True).counts()
    return f"{c['positions']:,} positions, {c['articles']:,} articles"


async def change_filter(page, stance: str) -> tuple[float, str | None]:
    """Choose `stance` in the sidebar's Stance box: seconds from Enter until the new sentence is drawn, idle."""
    sentence = page.locator("p.parley-showing")
    before = await sentence.inner_text()
    box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(has_text="Stance")
    await box.locator("input").click()
    await page.keyboard.type(stance)
    start = time.perf_counter()
    await page.keyboard.press("Enter")
    try:
        await page.wait_for_function("(old) => { const p = document.querySelector('p.parley-showing');"
                                     " return p && p.innerText !== old; }", arg=before, timeout=120_000)
    except Exception as err:
        return time.perf_counter() - start, f"{type(err).__name__}: {str(err).splitlines()[0][:120]}"
    elapsed, err = await until_drawn(page, start)
    await page.keyboard.press("Escape")
    return elapsed, err


async def measure_page(browser, base: str, name: str, reloads: int) -> dict:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    selector = TITLE if name in TITLED else None
    first, reload, errors = await first_and_reloads(page, f"{base}/{PAGES[name]}", reloads, selector)
    out = {"first": first, "reload": reload, "errors": errors}
    if name in CHANGE_PAGES:
        changes = [await change_filter(page, s) for s in CHANGE_STANCES]
        out["change"] = statistics.median(t for t, _ in changes)
        out["errors"] += [e for _, e in changes if e]
    await context.close()
    return out


async def measure_all(db: Path, work: Path, pages: list[str], reloads: int) -> dict:
    from playwright.async_api import async_playwright

    results = {}
    async with async_playwright() as pw:
        browser = await launch(pw)
        try:
            for name in pages:
                server, base = start_server(db, work / f"streamlit_{name}.log")
                try:
                    await warm_up(browser, f"{base}/about", TITLE)
                    results[name] = await measure_page(browser, base, name, reloads)
                    results[name]["load"] = load_average()
                finally:
                    stop_server(server)
                print_row(name, results[name])
        finally:
            await browser.close()
    return results


def mark(value: float | None, limit: float) -> str:
    if value is None:
        return f"{'-':>7}  "
    return f"{value:7.2f}{' ' if value <= limit else '!'} "


def print_row(name: str, r: dict) -> None:
    change = mark(r.get("change"), CHANGE_MAX) if "change" in r else f"{'':9}"
    print(f"  {name:<10}{mark(r['first'], FIRST_MAX)}{mark(r['reload'], RELOAD_MAX)}{change}  load {r['load']}"
          + (f"  ERRORS: {'; '.join(r['errors'])[:200]}" if r["errors"] else ""), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus-db", type=Path, help="reuse this database as the corpus one (copied, never changed)")
    ap.add_argument("--positions", type=int, default=100_000, help="positions of the grown (synthetic) database")
    ap.add_argument("--sizes", nargs="+", default=["corpus", "100k"], choices=["corpus", "100k"])
    ap.add_argument("--pages", nargs="+", default=list(PAGES), choices=list(PAGES))
    ap.add_argument("--reloads", type=int, default=3, help="reloads per page (median)")
    ap.add_argument("--keep", type=Path, help="build (or reuse) the databases in this folder")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"skipped: {CHROMIUM} is absent (apt-get install -y chromium)", file=sys.stderr)
        return 0
    tmp = tempfile.TemporaryDirectory(prefix="parley-browser-")
    work = args.keep or Path(tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus.duckdb" if (work / "corpus.duckdb").exists() else corpus_db(args, work)
    print(f"load average at start: {load_average()} (2 cores, shared: figures swing with the load)")
    print(f"seconds; '!' = over the target (first view {FIRST_MAX} s, reload {RELOAD_MAX} s, "
          f"filter change {CHANGE_MAX} s at 100,000 positions)")
    for size in args.sizes:
        if size == "corpus":
            db, label = corpus, "the real corpus"
        else:
            db = work / f"grown_{args.positions}.duckdb"
            db = db if db.exists() else grown_db(corpus, args.positions, work)
            label = "SYNTHETIC copies of the corpus rows"
        print(f"\n{size}: {describe(db)} ({label})")
        print(f"  {'page':<10}{'first':>8} {'reload':>8} {'filter':>8}")
        asyncio.run(measure_all(db, work, args.pages, args.reloads))
    print(f"\nload average at end: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
