"""Ingest: articles (dicts, files, folders, URLs) into the store, once each, one transaction per article.

    from core.ingest.ingest import ingest_paths
    summary = ingest_paths(store, ["../shared/corpus", "https://example.org/news/1"])
    print(summary)            # "12 new, 3 duplicate, 1 failed"

An article already stored -- same URL, or the same text after normalising case,
Unicode forms, quotes and whitespace (core.ingest.readers.text_hash) -- is counted as a duplicate and not
extracted again. Positions are extracted before the database is opened for
writing, then the article and its positions are written in one short
transaction, so a failure loses only that article and readers (the dashboard)
get in between articles. `progress(done, total)` is called after each article.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb
import pandas as pd

from core.ingest.readers import gate, read_inputs, text_hash, valid_date
from core.schema import ARTICLE_COLUMNS, SchemaError, validate_positions
from core.storage.articles import article_exists, article_with_text_hash, article_with_url, articles_matching
from core.storage.derived import replace_positions  # statement ids and shifts refreshed with the rows
from core.storage.store import Store, StoreBusy, StoreFull, insert_article, raise_if_full

Progress = Callable[[int, int], None]
Extract = Callable[..., pd.DataFrame]  # extract(text, *, article_id, published, title) -> positions


@dataclass(frozen=True)
class Outcome:
    source: str                 # file (and line), URL, or "" for library callers
    article_id: str | None
    reason: str = ""            # why duplicate or failed; for new ones, what was stored

    def __str__(self) -> str:
        who = " ".join(x for x in (self.source, f"[{self.article_id}]" if self.article_id else "") if x)
        return f"{who}: {self.reason}" if self.reason else who


@dataclass
class IngestSummary:
    new: list[Outcome] = field(default_factory=list)
    duplicate: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    notes: list[Outcome] = field(default_factory=list)  # kept, but worth saying (e.g. "read as cp1252")
    error: str = ""  # why the run stopped early or its writes may not be on disk (a full disk); "" when fine

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "duplicate": len(self.duplicate), "failed": len(self.failed)}

    def __str__(self) -> str:
        c = self.counts()
        return f"{c['new']} new, {c['duplicate']} duplicate, {c['failed']} failed"

    def details(self) -> list[str]:
        """One line per duplicate and failure, for the CLI and the dashboard."""
        return ([f"note {o}" for o in self.notes] + [f"duplicate {o}" for o in self.duplicate]
                + [f"failed {o}" for o in self.failed])

    def extend(self, other: IngestSummary) -> None:
        self.new += other.new
        self.duplicate += other.duplicate
        self.failed += other.failed
        self.notes += other.notes
        self.error = self.error or other.error


# -- normalising --------------------------------------------------------------

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid)$", re.I)


def normalise_url(url: str | None) -> str | None:
    """Scheme and host lower-cased, default port, fragment and tracking parameters (utm_*, fbclid,
    gclid) dropped, so one article shared under several links is stored once; None for blank."""
    if url is None or (isinstance(url, float) and pd.isna(url)) or not str(url).strip():
        return None
    parts = urlsplit(str(url).strip())
    if not parts.scheme or not parts.netloc:
        return str(url).strip()
    scheme, netloc = parts.scheme.lower(), parts.netloc.lower()
    try:
        if parts.port is not None and parts.port == _DEFAULT_PORTS.get(scheme):
            netloc = netloc.rsplit(":", 1)[0]
    except ValueError:  # a port that is not a number: keep the URL as written
        pass
    query = "&".join(p for p in parts.query.split("&") if p and not _TRACKING.match(p.split("=", 1)[0]))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def clean_article(raw: dict) -> tuple[dict | None, str]:
    """The article in ARTICLE_COLUMNS with blanks as None, or (None, what is missing)."""
    art = {c: _blank_to_none(raw.get(c)) for c in ARTICLE_COLUMNS}
    if art["article_id"] is None and raw.get("id") is not None:
        art["article_id"] = str(raw["id"])
    art["url"] = normalise_url(art["url"])
    if not art["text"] or not str(art["text"]).strip():
        return None, "no text"
    if not art["published"]:
        return None, "no publication date (pass --published YYYY-MM-DD to use one)"
    published = valid_date(art["published"])
    if published is None:
        return None, f"publication date {str(art['published'])!r} is not a date; write YYYY-MM-DD"
    art["text"] = str(art["text"])
    art["published"] = published
    if art["article_id"] is None:
        art["article_id"] = "article-" + text_hash(art["text"])[:12]
    art["article_id"] = str(art["article_id"])
    return art, ""


def _blank_to_none(value):
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


# -- duplicates ------------------------------------------------------------------

def find_duplicate(conn, art: dict, digest: str) -> str | None:
    """Why `art` is already stored ("same URL as X", "same text as X"), or None."""
    if art["url"]:
        stored = article_with_url(conn, art["url"])
        if stored is not None:
            return f"same URL as stored article {stored}"
    stored = article_with_text_hash(conn, digest)
    if stored is not None:
        return f"same text as stored article {stored}"
    return None


def free_article_id(conn, article_id: str, digest: str) -> str:
    """`article_id`, or, if a different article already has it, the id with a text-hash suffix."""
    return f"{article_id}-{digest[:8]}" if article_exists(conn, article_id) else article_id


# -- ingest ---------------------------------------------------------------------

def ingest_articles(store: Store, articles: Iterable[dict] | pd.DataFrame, *, progress: Progress | None = None,
                    source: str = "", extract: Extract | None = None, write_batch: int = 1) -> IngestSummary:
    """Store each new article with its extracted positions; count duplicates and failures.

    `write_batch` articles are written per connection, each still in its own
    transaction. 1 (the default) releases the file lock between articles; a
    larger batch saves the cost of opening the database (tens of ms) for bulk
    loads, at the price of readers waiting for the whole batch.
    """
    items = _as_records(articles)
    return _ingest_items(store, [(a, a.get("source") or source) for a in items], progress=progress,
                         extract=extract, batch=write_batch)


def ingest_paths(store: Store, inputs: Iterable[str | Path], *, published: str | None = None,
                 progress: Progress | None = None, extract: Extract | None = None,
                 fetch: Callable[..., dict] | None = None, write_batch: int = 1) -> IngestSummary:
    """Ingest files, folders (recursively) and http(s) URLs; read problems count as failures.

    `fetch(url, published=...)` replaces core.ingest.fetch.fetch_article (tests); `write_batch` as in ingest_articles.
    """
    summary = IngestSummary()
    items: list[tuple[dict | str, str]] = []
    for inp in inputs:
        text = str(inp)
        if "://" in text:
            items.append((text, text))  # fetched when its turn comes
        else:
            summary.extend(_read_path(text, published, items))
    summary.extend(_ingest_items(store, items, progress=progress, extract=extract,
                                 fetch=fetch, published=published, batch=write_batch))
    return summary


def _read_path(path: str, published: str | None, items: list) -> IngestSummary:
    summary = IngestSummary()
    try:
        result = read_inputs([path], published=published)
    except Exception as err:  # a reader bug must not lose the other inputs
        summary.failed.append(Outcome(path, None, f"could not read: {type(err).__name__}: {err}"))
        return summary
    for problem in result.problems:
        # the reader also drops repeats within one input; those are duplicates, not failures
        kind = summary.duplicate if "duplicate" in problem.reason else summary.failed
        kind.append(Outcome(_where(problem), None, problem.reason))
    summary.notes += [Outcome(_where(n), None, n.reason) for n in getattr(result, "notes", [])]
    items.extend((a, str(a.get("source") or path)) for a in result.articles)
    return summary


def _where(problem) -> str:
    return f"{problem.source}:{problem.line}" if problem.line else str(problem.source)


def _ingest_items(store: Store, items: list[tuple[dict | str, str]], *, progress: Progress | None,
                  extract: Extract | None, fetch=None, published: str | None = None,
                  batch: int = 1) -> IngestSummary:
    summary = IngestSummary()
    extract = extract or _default_extract()
    pending: list[Pending] = []
    start = 0  # the first item not yet prepared
    try:
        known = known_duplicates(store, [i for i, _ in items if not isinstance(i, str)])
        for i, (item, source) in enumerate(items):
            if isinstance(item, str):
                ready = _prepare_url(store, item, extract, fetch, published)
            else:
                ready = prepare(store, item, source=source, extract=extract, known=known)
            start = i + 1
            if isinstance(ready, Pending):
                pending.append(ready)
            else:
                getattr(summary, ready[0]).append(ready[1])
            if len(pending) >= batch or start == len(items):
                _flush(store, pending, summary, known)
            if progress:
                progress(start, len(items))
    except (StoreBusy, StoreFull) as err:  # waited long enough, or no room: say what was not stored, stop
        _give_up(summary, [(p.art, p.source) for p in pending] + items[start:], str(err))
        summary.error = str(err) if isinstance(err, StoreFull) else ""
    if summary.new and not summary.error:  # DuckDB's checkpoint when the file closes fails silently
        summary.error = store.checkpoint_refusal()
    return summary


def _flush(store: Store, pending: list[Pending], summary: IngestSummary, known: dict[str, str]) -> None:
    """Write the pending articles, each in its own transaction, over one connection.

    Each one stored joins `known`, so a later copy in the same run (the same file given
    twice, a folder and a file in it) is a duplicate before it is extracted again.
    """
    if not pending:
        return
    with store.session(write=True):
        while pending:
            p = pending[0]
            kind, outcome = _write(store, p)
            pending.pop(0)  # only now: if the write raised StoreBusy, _give_up names it
            getattr(summary, kind).append(outcome)
            if kind == "new":
                known[p.digest] = outcome.article_id
                if p.art["url"]:
                    known[p.art["url"]] = outcome.article_id


def _give_up(summary: IngestSummary, rest: list, reason: str) -> None:
    for item, source in rest:
        article_id = None if isinstance(item, str) else item.get("article_id")
        summary.failed.append(Outcome(source, article_id, f"not stored: {reason}"))


def known_duplicates(store: Store, raws: list[dict]) -> dict[str, str]:
    """{url or text hash: stored article_id} for a batch, in one query (a connection costs tens of ms)."""
    urls, hashes = set(), set()
    for raw in raws:
        art, _ = clean_article(raw)
        if art is not None:
            hashes.add(text_hash(art["text"]))
            if art["url"]:
                urls.add(art["url"])
    if not urls and not hashes:
        return {}
    with store.connect() as conn:
        rows = articles_matching(conn, sorted(urls), sorted(hashes))
    known = {}
    for url, digest, article_id in rows:
        known.setdefault(digest, article_id)
        if url in urls:
            known.setdefault(url, article_id)
    return known


@dataclass(frozen=True)
class Pending:
    """An article checked and extracted, waiting to be written."""
    art: dict
    digest: str
    positions: pd.DataFrame
    source: str


def prepare(store: Store, raw: dict, *, source: str = "", extract: Extract,
            known: dict[str, str] | None = None) -> Pending | tuple[str, Outcome]:
    """Check and extract one article (no write lock held): a Pending write, or its final outcome.

    `known` (from known_duplicates) saves a connection; without it the store is asked.
    """
    art, missing = clean_article(raw)
    if art is None:
        return "failed", Outcome(source, _blank_to_none(raw.get("article_id")), missing)
    refused = gate(art["text"])  # the readers apply it too; pasted text and library callers meet it here
    if refused:
        return "failed", Outcome(source, art["article_id"], refused)
    digest = text_hash(art["text"])
    if known is not None:  # checked before extracting, so duplicates are never extracted
        why = (f"same URL as stored article {known[art['url']]}" if art["url"] in known
               else f"same text as stored article {known[digest]}" if digest in known else None)
    else:
        with store.connect() as conn:
            why = find_duplicate(conn, art, digest)
    if why:
        return "duplicate", Outcome(source, art["article_id"], why)
    try:
        positions = validate_positions(extract(art["text"], article_id=art["article_id"],
                                               published=art["published"], title=art["title"]))
    except SchemaError as err:
        return "failed", Outcome(source, art["article_id"], f"extractor output breaks the contract: {err}")
    except Exception as err:
        return "failed", Outcome(source, art["article_id"], f"extraction failed: {type(err).__name__}: {err}")
    return Pending(art, digest, positions, source)


def _write(store: Store, p: Pending) -> tuple[str, Outcome]:
    """One article and its positions in one transaction (re-checking for duplicates inside it)."""
    from core import EXTRACTOR_VERSION

    art, source = p.art, p.source
    try:
        with store.transaction() as conn:
            why = find_duplicate(conn, art, p.digest)  # another process may have stored it meanwhile
            if why:
                return "duplicate", Outcome(source, art["article_id"], why)
            art = {**art, "article_id": free_article_id(conn, art["article_id"], p.digest)}
            insert_article(conn, art, text_hash=p.digest, source=source or None, extractor_version=EXTRACTOR_VERSION)
            n = replace_positions(conn, art["article_id"], p.positions, extractor_version=EXTRACTOR_VERSION)
    except duckdb.Error as err:
        raise_if_full(store.path, err)
        return "failed", Outcome(source, art["article_id"], f"not stored: {err}")
    return "new", Outcome(source, art["article_id"], f"{n} positions")


def _prepare_url(store: Store, url: str, extract: Extract, fetch, published: str | None) -> Pending | tuple[str, Outcome]:
    from core.ingest.fetch import FetchError, fetch_article

    norm = normalise_url(url)
    with store.connect() as conn:  # do not fetch a page already stored
        stored = article_with_url(conn, norm)
    if stored is not None:
        return "duplicate", Outcome(url, stored, f"same URL as stored article {stored}")
    try:
        article = (fetch or fetch_article)(url, published=published)
    except FetchError as err:
        return "failed", Outcome(url, None, str(err))
    return prepare(store, article, source=url, extract=extract)


def _as_records(articles) -> list[dict]:
    if isinstance(articles, pd.DataFrame):
        return articles.astype(object).where(articles.notna(), None).to_dict("records")
    return [dict(a) for a in articles]


def _default_extract() -> Extract:
    from core import extract_positions
    return extract_positions
