"""The bundled sample article (data/sample.jsonl), loaded into an empty store so a new user sees positions."""
from __future__ import annotations

from core.ingest.ingest import IngestSummary, Progress, ingest_paths
from core.paths import SAMPLE_PATH
from core.storage.store import Store


def ensure_sample(store: Store, *, progress: Progress | None = None, extract=None) -> IngestSummary | None:
    """Load the sample when the store is empty; None when it already holds articles."""
    if not store.is_empty():
        return None
    return ingest_paths(store, [SAMPLE_PATH], progress=progress, extract=extract)
