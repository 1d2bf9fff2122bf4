"""Re-extraction: bring stored positions up to the current extractor version.

Articles whose positions came from another extractor version (recorded on the
article, so articles that gave no positions are redone too) are extracted again
and their positions replaced, one transaction per article.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from core.ingest import ingest
from core.ingest.ingest import Extract, Progress
from core.schema import validate_positions
from core.storage.articles import article_ids, article_ids_not_extracted_by, position_count
from core.storage.derived import replace_positions
from core.storage.store import Store, StoreError


@dataclass
class ReextractSummary:
    updated: list[tuple[str, int, int]] = field(default_factory=list)  # (article_id, before, after)
    failed: list[tuple[str, str]] = field(default_factory=list)         # (article_id, reason)

    def __str__(self) -> str:
        before = sum(b for _, b, _ in self.updated)
        after = sum(a for _, _, a in self.updated)
        return (f"{len(self.updated)} articles re-extracted ({before} -> {after} positions),"
                f" {len(self.failed)} failed")


def stale_articles(store: Store, version: str | None) -> list[str]:
    """Ids of articles last extracted by a version other than `version` (every article for None)."""
    with store.connect() as conn:
        return article_ids(conn) if version is None else article_ids_not_extracted_by(conn, version)


def reextract(store: Store, *, version: str | None = None, extract: Extract | None = None,
              progress: Progress | None = None, force: bool = False) -> ReextractSummary:
    """Re-run the extractor on stale articles (all of them with force=True)."""
    from core import EXTRACTOR_VERSION

    version = version or EXTRACTOR_VERSION
    extract = extract or ingest._default_extract()
    ids = stale_articles(store, None if force else version)
    summary = ReextractSummary()
    for done, article_id in enumerate(ids, 1):
        try:
            _one(store, article_id, version, extract, summary)
        except StoreError as err:  # busy for too long: say what was left as it was, keep what was done
            summary.failed += [(a, f"not re-extracted: {err}") for a in ids[done - 1:]]
            break
        if progress:
            progress(done, len(ids))
    return summary


def _one(store: Store, article_id: str, version: str, extract: Extract, summary: ReextractSummary) -> None:
    art = store.article(article_id)
    if art is None:  # deleted meanwhile
        return
    try:
        df = validate_positions(extract(art["text"], article_id=article_id,
                                        published=art["published"], title=art["title"]))
    except Exception as err:  # keep the old positions; say why
        summary.failed.append((article_id, f"{type(err).__name__}: {err}"))
        return
    try:
        with store.transaction() as conn:
            before = position_count(conn, article_id)
            after = replace_positions(conn, article_id, df, extractor_version=version)
    except duckdb.Error as err:  # rolled back: the old positions stand
        summary.failed.append((article_id, f"not stored: {err}"))
        return
    summary.updated.append((article_id, before, after))
