"""Feed commands: `feeds add|list|remove` and `follow`. Parse arguments, call the library, print.

    python -m core feeds add URL... [--db PATH]        # RSS/Atom feeds or (news) sitemaps
    python -m core feeds list | remove URL...
    python -m core follow --once [--db PATH] [--notify URL]     # for cron / a systemd timer
    python -m core follow --every 15m                           # long-running; SIGTERM/Ctrl-C stop it
"""
from __future__ import annotations

import re
import signal
import sys
import threading
from contextlib import contextmanager

from core.cli import add_db_option, fail
from core.storage.store import StoreError

_EVERY = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|h)?$")


def register(subparsers) -> None:
    p = subparsers.add_parser("feeds", help="the feeds and sitemaps `follow` reads: add, list, remove")
    add_db_option(p)
    p.add_argument("action", choices=("add", "list", "remove"))
    p.add_argument("urls", nargs="*", metavar="URL", help="feed or sitemap URLs (add, remove)")
    p.set_defaults(func=run_feeds)
    p = subparsers.add_parser(
        "follow", help="fetch the feeds, store new articles, print what changed",
        epilog="Exit status 0 when every fetched feed was read, 1 when one failed, 2 for bad arguments.")
    add_db_option(p)
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--once", action="store_true", help="one pass over the due feeds, then exit (cron)")
    when.add_argument("--every", metavar="INTERVAL", help="run every INTERVAL (e.g. 15m, 1h, 90s) until stopped")
    p.add_argument("--delay", type=float, default=None, metavar="SECONDS",
                   help="seconds between two requests to one host (default 2; robots.txt may ask more)")
    p.add_argument("--max-items", type=int, default=None, metavar="N", help="newest items read per feed per run")
    p.add_argument("--notify", metavar="URL", help="POST the run's summary as JSON {\"text\": ...} (Slack, Teams)")
    p.set_defaults(func=run_follow)


def run_feeds(args) -> int:
    from core.ingest import feeds
    from core.storage.store import open_store

    if args.action != "list" and not args.urls:
        return fail(f"feeds {args.action} needs one or more URLs", 2)
    try:
        store = open_store(args.db)
        if args.action == "list":
            return _print_feeds(feeds.list_feeds(store))
        done = (feeds.add_feeds if args.action == "add" else feeds.remove_feeds)(store, args.urls)
    except StoreError as err:
        return fail(err)
    for url, outcome in done:
        print(f"{url}: {outcome}", file=sys.stderr)
    return 0 if any(o in ("added", "removed") for _, o in done) else 1


def _print_feeds(df) -> int:
    if df.empty:
        print("no feeds: add one with `python -m core feeds add URL`", file=sys.stderr)
        return 0
    for r in df.to_dict("records"):
        print(f"{r['url']}\t{r['health']}\t{r['title'] or '-'}\tseen {r['items_seen']}, added {r['articles_added']},"
              f" duplicates {r['duplicates']}, refused {r['refused']}"
              + (f"\tlast error: {r['last_error']}" if isinstance(r["last_error"], str) else ""))
    return 0


def parse_interval(text: str) -> float | None:
    """Seconds in '15m', '1h', '90s' or '90' (seconds); None when it is not one."""
    m = _EVERY.match(text.strip().lower())
    if not m:
        return None
    return float(m.group(1)) * {"s": 1, "m": 60, "h": 3600}[m.group(2) or "s"]


def run_follow(args) -> int:
    from core.ingest.follow import FollowOptions

    opts = FollowOptions()
    if args.delay is not None:
        opts.delay = max(0.0, args.delay)
    if args.max_items is not None:
        opts.max_items = max(1, args.max_items)
    if args.once:
        return _follow_once(args, opts)
    interval = parse_interval(args.every)
    if not interval:
        return fail(f"--every {args.every!r} is not an interval; write e.g. 15m, 1h or 90s", 2)
    return _follow_every(args, opts, interval)


def _follow_once(args, opts) -> int:
    from core.ingest.follow import follow_once
    from core.storage.store import open_store

    try:
        with stop_on_signals(opts.stop):
            summary = follow_once(open_store(args.db), opts)
    except StoreError as err:
        return fail(err)
    _report(summary, args.notify)
    return 1 if summary.error or any(f.error for f in summary.feeds) else 0


def _follow_every(args, opts, interval: float) -> int:
    from core.ingest.follow import follow_every
    from core.storage.store import open_store

    print(f"following every {interval:g} s; stop with Ctrl-C or SIGTERM", file=sys.stderr, flush=True)
    with stop_on_signals(opts.stop):
        follow_every(lambda: open_store(args.db), interval, opts, lambda s: _report(s, args.notify))
    print("stopped", file=sys.stderr)
    return 0


@contextmanager
def stop_on_signals(stop: threading.Event):
    """SIGTERM and Ctrl-C set `stop` while the block runs: the run ends between articles, with its
    summary and bookkeeping. The previous handlers come back afterwards (an in-process caller keeps its own)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals can only be handled on the main thread
        return

    def handler(signum, frame):
        if stop.is_set():  # a second Ctrl-C: the user does not want to wait
            raise KeyboardInterrupt
        print("stopping after the current article…", file=sys.stderr)
        stop.set()
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _report(summary, notify: str | None) -> None:
    if not summary.feeds and not summary.waiting:
        print("note: no feeds to follow; add one with `python -m core feeds add URL`", file=sys.stderr)
    print(summary.text(), flush=True)
    if notify:
        from core.ingest.fetch import FetchError, post_json

        try:
            post_json(notify, {"text": summary.text()})
        except FetchError as err:
            print(f"note: could not notify: {err}", file=sys.stderr)
