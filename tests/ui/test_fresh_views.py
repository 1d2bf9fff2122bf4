"""Fresh data after every write: a command-line ingest (another process) or a review shows on the very next
page run, not when a cache expires."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.storage import review
from core.storage.store import open_store
from tests import dashboard_data as data

ROOT = data.ROOT
# An ingest from the command line, with the tests' stub extractor (the real model is not the point here).
CLI_INGEST = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from core.ingest import ingest
    from core.cli import main
    from tests._store_helpers import stub_extract
    ingest._default_extract = lambda: stub_extract
    sys.exit(main(["ingest", "--no-progress", "--db", sys.argv[1], sys.argv[2]]))
""")
NEW = {"id": "cli-new", "title": "Fresh from the command line", "outlet": "CLI Wire", "published": "2022-03-01",
       "url": "https://example.org/cli-new", "text": "Moscow demanded talks at once. Kyiv warned of more strikes."}


@pytest.fixture()
def db(tmp_path, monkeypatch):
    path = data.build_db(tmp_path / "parley.duckdb")
    monkeypatch.setenv("PARLEY_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


def showing(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "parley-showing" in m.value)


@pytest.mark.subprocess
def test_cli_ingest_shows_on_the_next_page_run(db, tmp_path):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/positions.py")
    at.run()
    assert f"Showing {data.N_POSITIONS} positions" in showing(at)
    corpus = tmp_path / "new.jsonl"
    corpus.write_text(json.dumps(NEW) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", CLI_INGEST.format(root=str(ROOT)), str(db), str(corpus)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "1 new" in done.stderr, done.stderr
    at.run()  # the same session, seconds later: no cache may hide the new article
    assert not at.exception
    assert f"Showing {data.N_POSITIONS + 2} positions" in showing(at)


def test_a_review_changes_the_version_readers_key_on(db):
    from core.storage.store import db_version
    before = db_version(db)
    store = open_store(db)
    row = store.query_positions(limit=1).iloc[0]
    review.reject(store, row["position_id"], reviewer="tester")
    assert db_version(db) != before
