"""Follow the news: fetch every due feed, store its new articles with their positions, say what changed.

    summary = follow_once(store)       # one pass over the feeds table (python -m core follow --once)
    print(summary.text())

For each feed whose backoff has passed: a conditional GET (ETag / Last-Modified)
through core.ingest.fetch (same address rules, size and time caps), parsed by
core.ingest.sources; then the newest `max_items` items (MAX_ITEMS_PER_FEED, 100: a
10,000-item feed is read a slice at a time, and the summary says so). An item is
fetched only when this feed has not decided it before (core.ingest.feeds.known_items)
and no stored article has its URL. Each page goes through the same extraction
and duplicate checks as `ingest`; it is stored, with its feed, only when it is
English, has text and holds a position whose actor is in the actor registry
(core/data/actors.jsonl). Everything else is counted and named in the summary.

Politeness (core/ingest/polite.py): a per-host delay, robots.txt obeyed, a User-Agent naming Parley.
A failing feed is retried after an exponential backoff (core.ingest.feeds.next_retry).

`stop` (a threading.Event, set on SIGTERM or Ctrl-C by the CLI) is checked
between articles: the current article finishes or is abandoned, nothing is half-written.
"""
from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import duckdb

from core.ingest import feeds as F
from core.ingest.fetch import TIMEOUT, FetchError
from core.ingest.ingest import Pending, find_duplicate, free_article_id, normalise_url, prepare
from core.ingest.polite import Polite
from core.ingest.sources import FEED_TYPES, Item, NotAFeed, Parsed, newest_first, parse_source
from core.storage.articles import actors_of, articles_by_url
from core.storage.derived import replace_positions
from core.storage.feeds import FeedUpdate, record_item
from core.storage.store import Store, StoreFull, disk_message, insert_article, is_disk_error, raise_if_full

MAX_ITEMS_PER_FEED = 100
MAX_INDEX_SITEMAPS = 3      # a sitemap index: its newest child sitemaps are read
DEFAULT_DELAY = 2.0         # seconds between two requests to one host
WRITE_BATCH = 10
NO_LINK = "the item has no link"
TWICE = "listed twice in the feed"


@dataclass
class FollowOptions:
    delay: float = DEFAULT_DELAY
    max_items: int = MAX_ITEMS_PER_FEED
    timeout: float = TIMEOUT
    stop: threading.Event = field(default_factory=threading.Event)
    fetch: Callable | None = None     # core.ingest.fetch.fetch; the bench wraps it to time fetching
    extract: Callable | None = None   # core.extract_positions
    now: Callable | None = None       # core.ingest.feeds.utcnow; tests move the clock past a backoff
    # Articles (and item outcomes) written per connection, each article in its own transaction. Opening
    # and closing the file costs ~70 ms per connection (closing checkpoints), more than the writes;
    # 10 at a time keeps a dashboard waiting well under a second. 1 releases the file after each.
    write_batch: int = WRITE_BATCH


@dataclass
class FeedReport:
    url: str
    title: str | None = None
    error: str = ""                      # the feed itself failed (also its last_error)
    not_modified: bool = False
    notes: list[str] = field(default_factory=list)
    items_listed: int = 0
    already: int = 0                     # decided on an earlier run, not fetched again
    added: list[tuple[str, str]] = field(default_factory=list)        # (item url, "[id]: n positions")
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)      # not stored, by rule
    failed: list[tuple[str, str]] = field(default_factory=list)       # could not be fetched or stored
    positions: int = 0

    def lines(self) -> list[str]:
        name = f"{self.url} ({self.title})" if self.title else self.url
        if self.error:
            return [f"feed {name}: FAILED: {self.error}"]
        state = "not modified" if self.not_modified else (
            f"{self.items_listed} items, {len(self.added)} added, {len(self.duplicates)} duplicate,"
            f" {len(self.skipped)} skipped, {len(self.failed)} failed, {self.already} seen before")
        out = [f"feed {name}: {state}"] + [f"  note: {n}" for n in self.notes]
        for label, rows in (("added", self.added), ("duplicate", self.duplicates), ("skipped", self.skipped),
                            ("failed", self.failed)):
            out += [f"  {label} {url}: {why}" for url, why in rows]
        return out


@dataclass
class RunSummary:
    run_id: str
    started_at: object
    feeds: list[FeedReport] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)     # feeds still backing off, with until when
    changes: object = None                                # core.storage.changes.Changes
    interrupted: bool = False
    error: str = ""   # why the run stopped early, or why its writes may not be on disk (a full disk)
    seconds: dict = field(default_factory=lambda: {"fetch": 0.0, "extract": 0.0, "store": 0.0, "total": 0.0})

    def counts(self) -> dict:
        fs = self.feeds
        return {"feeds": len(fs), "seen": sum(f.items_listed for f in fs), "added": sum(len(f.added) for f in fs),
                "positions": sum(f.positions for f in fs), "dups": sum(len(f.duplicates) for f in fs),
                "refused": sum(len(f.skipped) + len(f.failed) for f in fs), "failed": sum(bool(f.error) for f in fs)}

    def totals(self) -> str:
        c = self.counts()
        return (f"{c['feeds']} feeds fetched, {c['seen']} items listed, {c['added']} articles added"
                f" ({c['positions']} positions), {c['dups']} duplicates, {c['refused']} refused,"
                f" {c['failed']} feeds failed" + (" (interrupted)" if self.interrupted else ""))

    def lines(self) -> list[str]:
        out = [line for f in self.feeds for line in f.lines()]
        out += [f"feed {w}" for w in self.waiting]
        out.append(self.totals())
        out += [f"STOPPED: {self.error}"] if self.error else []
        return out + (self.changes.lines() if self.changes is not None else [])

    def text(self) -> str:
        return "\n".join(self.lines())


# -- a run ------------------------------------------------------------------------

def follow_once(store: Store, opts: FollowOptions | None = None) -> RunSummary:
    """Fetch every due feed once, store what is new, record the run; the summary says what happened."""
    opts = opts or FollowOptions()
    clock = opts.now or F.utcnow
    started, t0 = clock(), time.monotonic()
    summary = RunSummary(uuid.uuid4().hex[:12], started)
    F.start_run(store, summary.run_id, started)
    due, waiting = F.feeds_to_fetch(store, started)
    summary.waiting = [f"{w['url']}: waiting, {w['failures']} failures in a row, next try after"
                       f" {w['next_retry_at']:%Y-%m-%d %H:%M} UTC" for w in waiting]
    try:
        _follow_due(store, due, summary, opts, clock)
    except StoreFull as err:  # every later article would fail the same way: stop and say why
        summary.error, summary.interrupted = str(err), True
    summary.interrupted = summary.interrupted or opts.stop.is_set()
    summary.changes = changes_since(store, started)
    summary.seconds["total"] = time.monotonic() - t0
    _close_run(store, summary, clock)
    return summary


def _follow_due(store: Store, due: list[dict], summary: RunSummary, opts: FollowOptions, clock) -> None:
    polite = Polite(opts, summary.seconds)
    for feed in due:
        if opts.stop.is_set():
            summary.interrupted = True
            return
        report, update = follow_feed(store, feed, polite, opts, clock)
        F.record_feed(store, feed["url"], update, clock())
        summary.feeds.append(report)


def _close_run(store: Store, summary: RunSummary, clock) -> None:
    """Record the run, then make sure its writes reached the file: DuckDB's own checkpoint when the last
    connection closes fails silently, so a full disk would pass unnoticed. The articles stay in the
    write-ahead log either way, and the next run finds them."""
    c = summary.counts()
    try:
        F.finish_run(store, summary.run_id, {"feeds": c["feeds"], "seen": c["seen"], "added": c["added"],
                                             "positions": c["positions"], "dups": c["dups"],
                                             "refused": c["refused"], "failed": c["failed"]}, summary.text(), clock())
    except duckdb.Error as err:  # no room for the run's record: say so; its articles are in the log
        if not is_disk_error(err):
            raise
        summary.error = summary.error or disk_message(store.path, err)
    summary.error = summary.error or store.checkpoint_refusal()


def changes_since(store: Store, since) -> object:
    """core.storage.changes over the articles stored since `since` (on the lines of their actors only)."""
    from core.filters import Filters
    from core.storage.changes import what_changed
    from core.storage.review import query_positions

    ids = F.articles_added_since(store, since)
    actors = _actors_of(store, ids)
    df = query_positions(store, Filters(actor=tuple(actors))) if actors else query_positions(store, Filters(),
                                                                                              limit=0)
    return what_changed(df, ids, f"{since:%Y-%m-%d %H:%M} UTC")


def _actors_of(store: Store, ids: list[str]) -> list[str]:
    if not ids:
        return []
    with store.connect() as conn:
        return actors_of(conn, ids)


# -- a feed -----------------------------------------------------------------------

def follow_feed(store: Store, feed: dict, polite: Polite, opts: FollowOptions,
                clock: Callable) -> tuple[FeedReport, FeedUpdate]:
    report = FeedReport(feed["url"], feed.get("title"))
    try:
        page = polite.get(feed["url"], headers=_conditional(feed), accept_types=FEED_TYPES)
        if page.status == 304:
            report.not_modified = True
            return report, FeedUpdate(ok=True)
        parsed = parse_source(page.body, page.url, page.content_type)
        if parsed.kind == "sitemapindex":
            parsed = _read_index(parsed, polite)
    except (FetchError, NotAFeed) as err:
        report.error = str(err)
        return report, FeedUpdate(ok=False, error=report.error)
    digest = hashlib.sha1(page.body).hexdigest()
    report.title = parsed.title or report.title
    report.notes += _feed_notes(feed, page, parsed, digest, opts.max_items)
    _take_items(store, feed["url"], parsed.items[:opts.max_items], polite, opts, report, clock)
    report.notes += _item_notes(report)
    return report, FeedUpdate(
        ok=True, error="; ".join(report.notes) or None, kind=parsed.kind, title=parsed.title,
        etag=page.headers.get("etag"), last_modified=page.headers.get("last-modified"), body_hash=digest,
        items_seen=report.items_listed, added=len(report.added), duplicates=len(report.duplicates),
        refused=len(report.skipped) + len(report.failed))


def _item_notes(report: FeedReport) -> list[str]:
    """What was wrong with the feed's items, for its last_error (the summary names each item)."""
    notes = []
    no_link = sum(why == NO_LINK for _, why in report.skipped)
    twice = sum(why == TWICE for _, why in report.duplicates)
    if no_link:
        notes.append(f"{no_link} items without a link")
    if twice:
        notes.append(f"{twice} items listed twice")
    if report.failed:
        notes.append(f"{len(report.failed)} items could not be fetched or stored, e.g. {report.failed[0][1]}")
    return notes


def _conditional(feed: dict) -> dict:
    headers = {}
    if feed.get("etag"):
        headers["If-None-Match"] = feed["etag"]
    if feed.get("last_modified"):
        headers["If-Modified-Since"] = feed["last_modified"]
    return headers


def _feed_notes(feed: dict, page, parsed: Parsed, digest: str, cap: int) -> list[str]:
    notes = [parsed.problem] if parsed.problem else []
    if len(parsed.items) > cap:
        notes.append(f"{len(parsed.items)} items listed: only the newest {cap} are read per run")
    etag = page.headers.get("etag")
    if feed.get("etag") and etag and etag != feed["etag"] and digest == feed.get("body_hash"):
        notes.append("the server sent a new ETag for unchanged content (it changes on every request),"
                     " so conditional requests cannot save the download")
    return notes


def _read_index(index: Parsed, polite: Polite) -> Parsed:
    """A sitemap index: the items of its newest child sitemaps, fetched through the same guard.
    A child that fails is named in the problem; the others are still read."""
    items: list[Item] = []
    problems = [index.problem] if index.problem else []
    for child in [i for i in index.items if i.url][:MAX_INDEX_SITEMAPS]:
        try:
            page = polite.get(child.url, accept_types=FEED_TYPES)
            items += parse_source(page.body, page.url, page.content_type).items
        except (FetchError, NotAFeed) as err:
            problems.append(f"child sitemap {child.url}: {err}")
    if not items and problems:
        raise NotAFeed("; ".join(problems))
    return Parsed("sitemapindex", index.title, newest_first(items), "; ".join(problems))


# -- items ------------------------------------------------------------------------

@dataclass
class _Result:
    outcome: str                 # stored, duplicate, skipped, failed
    why: str
    article_id: str | None = None
    positions: int = 0
    recorded: bool = False       # already written to feed_items (with the article, in its transaction)


@dataclass
class _Items:
    """One feed's items being taken: what they need, so the functions below stay short."""
    store: Store
    feed_url: str
    polite: Polite
    opts: FollowOptions
    report: FeedReport
    clock: Callable
    stored: dict = field(default_factory=dict)   # normalised URL -> stored article id, one query per feed
    pending: list = field(default_factory=list)  # (item, url, Pending or _Result) waiting to be written


def _take_items(store: Store, feed_url: str, items: list[Item], polite: Polite, opts: FollowOptions,
                report: FeedReport, clock: Callable) -> None:
    known = F.known_items(store, feed_url)
    urls = [normalise_url(i.url) for i in items]
    run = _Items(store, feed_url, polite, opts, report, clock, stored_urls(store, [u for u in urls if u]))
    seen: set[str] = set()
    report.items_listed = len(items)
    for item, url in zip(items, urls, strict=True):
        if opts.stop.is_set():
            break
        if url is None:
            report.skipped.append((item.title or "(untitled item)", NO_LINK))
        elif url in seen:
            report.duplicates.append((item.url, TWICE))
        elif url in known and not (known[url][0] == "failed" and known[url][1] < F.ITEM_RETRIES):
            report.already += 1
        else:
            _take_item(run, item, url)
        seen.add(url)
    _flush(run)  # also after a stop: what was fetched and extracted is kept


def stored_urls(store: Store, urls: list[str]) -> dict[str, str]:
    """{url: article_id} of the stored articles among `urls` (one connection for a whole feed)."""
    if not urls:
        return {}
    with store.connect() as conn:
        return articles_by_url(conn, urls)


def _take_item(run: _Items, item: Item, url: str) -> None:
    run.pending.append((item, url, _fetch_and_extract(run, item, url)))
    if len(run.pending) >= max(1, run.opts.write_batch):
        _flush(run)


def _flush(run: _Items) -> None:
    """Write the pending articles and item outcomes over one connection, each in its own transaction."""
    if not run.pending:
        return
    start = time.monotonic()
    try:
        with run.store.session(write=True):
            while run.pending:
                item, url, ready = run.pending.pop(0)
                _tally(run, item, url, _write(run, url, ready) if isinstance(ready, Pending) else ready)
    finally:
        run.polite.timings["store"] += time.monotonic() - start


def _tally(run: _Items, item: Item, url: str, r: _Result) -> None:
    report = run.report
    bucket = {"stored": report.added, "duplicate": report.duplicates, "skipped": report.skipped,
              "failed": report.failed}[r.outcome]
    bucket.append((item.url, f"[{r.article_id}]: {r.why}" if r.outcome == "stored" else r.why))  # as the feed wrote it
    report.positions += r.positions
    if r.outcome == "stored":
        run.stored[url] = r.article_id
    if not r.recorded:
        with run.store.transaction() as conn:
            record_item(conn, run.feed_url, url, r.outcome, r.why, r.article_id, run.clock())


def _fetch_and_extract(run: _Items, item: Item, url: str) -> Pending | _Result:
    """One item this feed has not decided before: an article to write, or why not."""
    if url in run.stored:
        return _Result("duplicate", f"same URL as stored article {run.stored[url]}", run.stored[url])
    if urlsplit(url).scheme not in ("http", "https"):  # javascript:, file:, mailto: links are never followed
        return _Result("skipped", "not an http(s) link")
    if not run.polite.allowed(item.url):  # a rule, not a failure: the site said no
        return _Result("skipped", run.polite.refusal(item.url).split(": ", 1)[-1])
    try:
        page = run.polite.get(item.url)
    except FetchError as err:
        return _Result("failed", str(err))
    start = time.monotonic()
    try:
        return _extract(run.store, page, item, run.opts)
    finally:
        run.polite.timings["extract"] += time.monotonic() - start


def _extract(store, page, item: Item, opts) -> Pending | _Result:
    """A Pending article with positions of a registry actor, or why not."""
    from core.ingest.fetch import page_to_article

    # a page and an item that both give no date: the news is from the day it was listed
    published = item.published or F.utcnow().date().isoformat()
    try:
        art = page_to_article(page, requested_url=item.url, published=published)
    except FetchError as err:  # no text, not English, no date
        return _Result("skipped", str(err).split(": ", 1)[-1])
    # known={}: the URL was checked above and the text is checked again inside the write's transaction,
    # so prepare need not open a connection of its own
    ready = prepare(store, art, source=item.url, extract=opts.extract or _default_extract(), known={})
    if not isinstance(ready, Pending):
        kind, outcome = ready
        return _Result(kind, outcome.reason)
    if not ready.positions["actor"].isin(registry_actors()).any():
        return _Result("skipped", "no position of an actor in the registry")
    return ready


def _write(run: _Items, url: str, p: Pending) -> _Result:
    """The article, its positions and its feed link in one transaction (duplicates re-checked inside)."""
    from core import EXTRACTOR_VERSION

    try:
        with run.store.transaction() as conn:
            why = find_duplicate(conn, p.art, p.digest)
            if why:
                record_item(conn, run.feed_url, url, "duplicate", why, None, run.clock())
                return _Result("duplicate", why, recorded=True)
            art = {**p.art, "article_id": free_article_id(conn, p.art["article_id"], p.digest)}
            insert_article(conn, art, text_hash=p.digest, source=p.source, extractor_version=EXTRACTOR_VERSION)
            n = replace_positions(conn, art["article_id"], p.positions, extractor_version=EXTRACTOR_VERSION)
            record_item(conn, run.feed_url, url, "stored", f"{n} positions", art["article_id"], run.clock())
    except duckdb.Error as err:
        raise_if_full(run.store.path, err)
        return _Result("failed", f"not stored: {err}")
    return _Result("stored", f"{n} positions", art["article_id"], n, recorded=True)


def registry_actors() -> set[str]:
    from core.extract.actors import get_registry

    return set(get_registry().actors)


def _default_extract():
    from core import extract_positions

    return extract_positions


# -- following for a long time -----------------------------------------------------

def follow_every(store_of: Callable[[], Store], interval: float, opts: FollowOptions,
                 report: Callable[[RunSummary], None], cycles: int | None = None) -> int:
    """Run follow_once every `interval` seconds until `opts.stop` is set (or `cycles` runs);
    a run that fails on the database is reported and the next one tried. Returns runs made."""
    from core.storage.store import StoreError

    runs = 0
    while not opts.stop.is_set() and (cycles is None or runs < cycles):
        started = time.monotonic()
        try:
            report(follow_once(store_of(), opts))
        except StoreError as err:
            report(_failed_run(str(err)))
        runs += 1
        if cycles is not None and runs >= cycles:
            break
        opts.stop.wait(max(0.0, interval - (time.monotonic() - started)))
    return runs


def _failed_run(message: str) -> RunSummary:
    summary = RunSummary("-", F.utcnow())
    summary.feeds.append(FeedReport("(database)", error=message))
    return summary
