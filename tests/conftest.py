"""Fixtures every test module may use: the spaCy pipeline (loaded once) and ../shared."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.paths import shared_dir

SHARED = shared_dir()


@pytest.fixture(scope="session")
def nlp():
    from core.extract.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"../shared is absent ({SHARED}): corpus and gold tests need it beside the project")
    return SHARED


@pytest.fixture(scope="session")
def corpus_articles(shared_dir) -> list[dict]:
    """Every article of ../shared/corpus/*.jsonl, as dicts (id, title, outlet, published, url, text)."""
    rows = []
    for path in sorted((shared_dir / "corpus").glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def pytest_collection_modifyitems(config, items):
    """Browser (e2e) and subprocess tests are slow too: `pytest -m "not slow"` is the fast inner loop."""
    for item in items:
        if item.get_closest_marker("e2e") or item.get_closest_marker("subprocess"):
            item.add_marker(pytest.mark.slow)
