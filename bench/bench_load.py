"""Load benchmark: N browser sessions at once against `streamlit run app.py` while a command-line ingest writes.

    .venv/bin/python bench/bench_load.py [--sessions 1 5 10] [--loads 6] [--db PATH] [--corpus FILE_OR_FOLDER]

Run by hand, not in the suite. Everything stays on this machine: the server listens on 127.0.0.1 only, and
Debian's Chromium (/usr/bin/chromium, under Playwright) is started without background networking.

What happens, for each N in --sessions:
1. a command-line ingest (`python -m core ingest`, the real extractor) of --corpus into the same database is
   started in the background, so pages are served while another process writes (the store's short
   connections and retries, the caches following the database version);
2. N browser sessions (one context each, like N users) each open --loads pages in turn, cycling over the
   dashboard's pages; a page's time runs from navigation until its "Showing …" sentence is drawn and the app
   reports no running script;
3. the ingest is stopped (it is only there to write meanwhile) and the server's resident memory is read.
Printed per N: p50 and p95 page time, page loads, errors (a Streamlit exception or error box, or a timeout),
the articles the ingest stored meanwhile, and the server's RSS (with its child processes).
The database defaults to a fresh temporary one holding the bundled sample article; --db uses a copy of yours.
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import CHROMIUM, ROOT, launch, load_page, start_server, stop_server  # noqa: E402

sys.path.insert(0, str(ROOT))

from core.paths import shared_dir  # noqa: E402

PAGES = ["", "timeline", "actors", "issues", "network", "positions", "articles", "review", "shifts"]
DEFAULT_CORPUS = shared_dir() / "corpus"


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (Linux /proc), in MB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def start_ingest(db: Path, corpus: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "core", "ingest", "--no-progress", "--db", str(db), str(corpus)],
                            cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def count_articles(db: Path) -> int:
    from core.storage.store import open_store
    return open_store(db, read_only=True).counts()["articles"]


async def session(browser, base: str, index: int, loads: int) -> list[tuple[float, str | None]]:
    context = await browser.new_context()
    page = await context.new_page()
    results = []
    for k in range(loads):
        path = PAGES[(index + k) % len(PAGES)]
        results.append(await load_page(page, f"{base}/{path}"))
    await context.close()
    return results


async def run_level(base: str, n: int, loads: int) -> list[tuple[float, str | None]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await launch(pw)
        try:
            per_session = await asyncio.gather(*(session(browser, base, i, loads) for i in range(n)))
        finally:
            await browser.close()
    return [r for results in per_session for r in results]


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(n: int, results, stored: int, rss: float) -> None:
    times = [t for t, err in results if err is None]
    errors = [err for _, err in results if err]
    p50 = f"{statistics.median(times):6.2f}" if times else "     -"
    p95 = f"{percentile(times, 95):6.2f}" if times else "     -"
    print(f"N={n:<3} loads {len(results):4}  p50 {p50} s  p95 {p95} s  errors {len(errors):3}  "
          f"ingest stored {stored:3} articles meanwhile  server RSS {rss:7.1f} MB", flush=True)
    for err in sorted(set(errors))[:5]:
        print(f"        error: {err}", flush=True)


def prepare_db(args, work: Path) -> Path:
    db = work / "parley.duckdb"
    if args.db:
        shutil.copy(args.db, db)  # a copy: the bench's ingest must not change the user's database
    else:
        subprocess.run([sys.executable, "-m", "core", "ingest", "--sample", "--db", str(db)], cwd=ROOT, check=True,
                       capture_output=True)
    return db


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10], help="concurrent sessions per level")
    ap.add_argument("--loads", type=int, default=6, help="pages each session opens per level")
    ap.add_argument("--db", type=Path, help="a database to copy and serve (default: the sample article only)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="what the background ingest reads")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"skipped: {CHROMIUM} is absent (apt-get install -y chromium)", file=sys.stderr)
        return 0
    if not args.corpus.exists():
        print(f"skipped: {args.corpus} is absent (the background ingest needs articles to write)", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="parley-load-") as tmp:
        work = Path(tmp)
        db = prepare_db(args, work)
        server, base = start_server(db, work / "streamlit.log")
        print(f"server {base} (pid {server.pid}) on {db}; background ingest of {args.corpus}; "
              f"{args.loads} page loads per session", flush=True)
        try:
            asyncio.run(run_level(base, 1, 1))  # warm-up: the model and the first script run, not measured
            for n in args.sessions:
                before = count_articles(db)
                writer = start_ingest(db, args.corpus, work / "ingest.log")
                results = asyncio.run(run_level(base, n, args.loads))
                writer.terminate()
                writer.wait(timeout=30)
                report(n, results, count_articles(db) - before, rss_mb(server.pid))
        finally:
            stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
