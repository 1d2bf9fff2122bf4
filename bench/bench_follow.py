"""Follower benchmark: `follow --once` throughput on a 200-item loopback feed, and the memory of a
long-running `follow --every` after 10 short cycles.

    .venv/bin/python bench/bench_follow.py [--items 200] [--cycles 10]

Everything is SYNTHETIC and local: a threading http.server on 127.0.0.1 (allowed through the fetch
guard with PARLEY_FETCH_ALLOW) serves an RSS 2.0 feed and short English article pages written from
templates (distinct texts, real extractor, real DuckDB file). Network time is therefore loopback
time: on a real site fetching costs far more, and the per-host delay (2 s by default, 0 here)
dominates everything.

1. Throughput: items per minute of one `follow --once` pass (in-process, model already loaded),
   split into fetching (guarded GETs: feed, robots.txt, pages), extracting (trafilatura + the
   position extractor), storing (the article's transaction) and the rest (feed parsing, bookkeeping,
   the run's summary).
2. Memory: a `python -m core follow --every 1s` subprocess whose feed lists 5 new articles per
   call; its resident memory (VmRSS, /proc) after the first and after the last cycle, and its peak.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.ingest import feeds  # noqa: E402
from core.ingest.follow import FollowOptions, follow_once  # noqa: E402
from core.storage.store import open_store  # noqa: E402
from tests import feed_site  # noqa: E402

SIDES = [("Russia", "Lavrov"), ("NATO", "Stoltenberg"), ("Ukraine", "Zelensky"), ("the United States", "Blinken"),
         ("the European Union", "Borrell")]
ACTS = ["demanded that {t} halt its military build-up near the border",
        "rejected the proposal put forward by {t} as unacceptable",
        "warned {t} of severe consequences if it sent more troops",
        "offered to resume talks with {t} in Geneva next month",
        "accused {t} of stoking tensions in the region"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article(n: int) -> tuple[str, str, list[str]]:
    """A short English news page, distinct for each n (actor, act, target, day and a numbered detail)."""
    paras = []
    for k in range(3):
        (actor, speaker), (target, _) = SIDES[(n + k) % 5], SIDES[(n + k + 2) % 5]
        act = ACTS[(n // 5 + k) % 5].format(t=target)
        paras.append(f"{actor[0].upper()}{actor[1:]} {act}, {speaker} said on {DAYS[(n + k) % 5]}.")
    paras.append(f"The meeting, the {n + 1}th of its kind this year, lasted {2 + n % 7} hours, officials said.")
    day = f"2026-11-{1 + n % 28:02d}"
    return f"Briefing {n}", day, paras


def make_handler(site: feed_site.Site, items: int):
    class Handler(feed_site.Handler):
        def do_GET(self):
            self._record()
            if self.path == "/robots.txt":
                return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            if self.path == "/feed.xml":
                return self.feed(feed_site.rss("Bench", [(site.url(f"/b/{n}"), f"B{n}", article(n)[1])
                                                         for n in range(items)]))
            if self.path == "/rolling.xml":  # 5 new items on every call
                site.etag_calls += 1
                start = 10_000 + 5 * site.etag_calls
                return self.feed(feed_site.rss("Rolling", [(site.url(f"/b/{n}"), f"B{n}", "2026-12-01")
                                                           for n in range(start, start + 5)]))
            if self.path.startswith("/b/"):
                return self._send(200, feed_site.article_html(*article(int(self.path[3:]))).encode())
            self._send(404, b"no")
    Handler.site = site
    return Handler


def serve(items: int) -> tuple[feed_site.QuietServer, feed_site.Site]:
    site = feed_site.Site("")
    srv = feed_site.QuietServer(("127.0.0.1", 0), make_handler(site, items))
    site.base = f"http://127.0.0.1:{srv.server_address[1]}"
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, site


def throughput(site, items: int, tmp: Path) -> None:
    from core import extract_positions

    extract_positions("Russia demanded that NATO halt its expansion.", article_id="warm", published="2026-12-01")
    store = open_store(tmp / "once.duckdb")
    feeds.add_feeds(store, [site.url("/feed.xml")])
    summary = follow_once(store, FollowOptions(delay=0, max_items=items))
    s, c = summary.seconds, summary.counts()
    rest = s["total"] - s["fetch"] - s["extract"] - s["store"]
    print(f"follow --once over a {items}-item loopback feed: {c['added']} articles added, {c['positions']} positions,"
          f" {c['refused']} refused, in {s['total']:.1f} s")
    print(f"  items per minute: {60 * items / s['total']:.0f}")
    parts = [("fetching", s["fetch"]), ("extracting", s["extract"]),
             ("storing (a transaction per article, a connection per 10)", s["store"]),
             ("rest (feed parsing, bookkeeping, the run's summary)", rest)]
    print("  time: " + ", ".join(f"{name} {t:.1f} s ({100 * t / s['total']:.0f}%)" for name, t in parts))


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def memory(site, cycles: int, tmp: Path) -> None:
    db = tmp / "every.duckdb"
    feeds.add_feeds(open_store(db), [site.url("/rolling.xml")])
    env = {**os.environ, "PARLEY_FETCH_ALLOW": site.base.removeprefix("http://")}
    proc = subprocess.Popen([sys.executable, "-m", "core", "follow", "--every", "1s", "--delay", "0", "--db", str(db)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seen, first = 0, 0
    try:
        for line in proc.stdout:
            if "feeds fetched" in line:
                seen += 1
                first = first or rss_kb(proc.pid)
                if seen >= cycles:
                    break
        last, peak = rss_kb(proc.pid), rss_kb(proc.pid, "VmHWM")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        proc.kill()
    print(f"follow --every 1s, {seen} cycles of 5 new articles each: RSS {first / 1024:.0f} MB after the first"
          f" cycle, {last / 1024:.0f} MB after cycle {seen} (peak {peak / 1024:.0f} MB); exit {proc.returncode}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--cycles", type=int, default=10)
    args = ap.parse_args()
    srv, site = serve(args.items)
    os.environ["PARLEY_FETCH_ALLOW"] = site.base.removeprefix("http://")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            throughput(site, args.items, Path(tmp))
            memory(site, args.cycles, Path(tmp))
    finally:
        srv.shutdown()
    time.sleep(0.1)


if __name__ == "__main__":
    main()
