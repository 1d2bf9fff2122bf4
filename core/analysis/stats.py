"""Counts of what the store holds, for `python -m core stats`."""
from __future__ import annotations

from core.ingest.feeds import feed_lines
from core.storage import articles
from core.storage.store import Store


def stats_lines(store: Store, *, top: int = 10) -> list[str]:
    c = store.counts()
    lines = [
        f"database   {store.path}",
        f"articles   {c['articles']}",
        f"positions  {c['positions']}",
        f"actors     {c['actors']}",
        f"outlets    {c['outlets']}",
        f"dates      {c['date_min'] or '-'} .. {c['date_max'] or '-'}",
    ]
    lines += feed_lines(store)  # followed feeds and the last follow run, when there are any
    if not c["articles"]:
        return lines + ["the database is empty: load the bundled sample with `python -m core ingest --sample`,"
                        " or add articles with `python -m core ingest FILE_OR_FOLDER_OR_URL...`"]
    versions = store.extractor_versions()
    if versions:
        lines.append("extractor  " + ", ".join(f"{v}: {n} articles" for v, n in versions.items()))
    for field, counts in top_values(store, ("actor", "stance"), top).items():
        if counts:
            lines.append(f"{field:<10} " + ", ".join(f"{v} {n}" for v, n in counts))
    return lines


def top_values(store: Store, fields: tuple[str, ...], top: int) -> dict[str, list[tuple[str, int]]]:
    """Most frequent values of position fields (identifiers from core.filters.LIST_PARAMS)."""
    with store.connect() as conn:
        return articles.top_values(conn, fields, top)
