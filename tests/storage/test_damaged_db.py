"""A damaged, foreign or read-only database file: every command and the dashboard say which file and what
to do, exit non-zero, and never show a traceback; DuckDB never tries to fetch an extension."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.cli import main
from core.ingest import ingest as ingest_module
from core.ingest.ingest import ingest_articles
from core.storage.store import connect_with_retry, open_store
from tests._store_helpers import article, stub_extract
from tests.dashboard_data import ROOT


@pytest.fixture(autouse=True)
def stub_extractor(monkeypatch):
    monkeypatch.setattr(ingest_module, "_default_extract", lambda: stub_extract)


@pytest.fixture(scope="module")
def good_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "good.duckdb"
    assert ingest_articles(open_store(path), [article(i) for i in range(30)], extract=stub_extract).counts()["new"] == 30
    return path


def truncated(good_db, tmp_path, keep: float):
    """A copy of the database cut to `keep` of its size (a full disk, an interrupted copy)."""
    path = tmp_path / f"cut{keep}.duckdb"
    shutil.copy(good_db, path)
    os.truncate(path, int(path.stat().st_size * keep))
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err


@pytest.fixture()
def corpus(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(article(99)) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("keep", [0.0, 0.002, 0.5])
def test_truncated_database_is_named_with_what_to_do(good_db, tmp_path, corpus, capsys, keep):
    db = truncated(good_db, tmp_path, keep)
    for argv in (["stats"], ["export", "-o", tmp_path / "o.csv"], ["ingest", corpus]):
        code, err = run(capsys, *argv, "--db", db)
        assert code != 0, argv
        assert str(db) in err and "restore" in err, (argv, err)


@pytest.mark.subprocess
def test_damaged_database_cli_prints_no_traceback(good_db, tmp_path, corpus):
    """The real process, on the command that first failed (ingest, in known_duplicates); the others run
    the same code in-process above."""
    db = truncated(good_db, tmp_path, 0.5)
    done = subprocess.run([sys.executable, "-m", "core", "ingest", "--no-progress", str(corpus), "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "is damaged" in done.stderr and "python -m core restore" in done.stderr


def test_sqlite_file_is_not_a_parley_database_and_no_extension_is_fetched(tmp_path, capsys):
    db = tmp_path / "file.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    code, err = run(capsys, "stats", "--db", db)
    assert code == 1 and "not a Parley database" in err and "SQLite" in err
    assert "extension" not in err.lower()


def test_connections_never_install_or_load_extensions(tmp_path):
    conn = connect_with_retry(tmp_path / "x.duckdb", read_only=False, timeout=1)
    try:
        settings = dict(conn.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN"
            " ('autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
    finally:
        conn.close()
    assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


@pytest.fixture()
def dashboard_db(monkeypatch):
    def point_at(path):
        monkeypatch.setenv("PARLEY_DB", str(path))
        st.cache_data.clear()
        st.cache_resource.clear()
    yield point_at
    st.cache_data.clear()
    st.cache_resource.clear()


def test_dashboard_says_the_database_is_damaged(good_db, tmp_path, dashboard_db):
    dashboard_db(truncated(good_db, tmp_path, 0.5))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("is damaged" in e.value and "restore" in e.value for e in at.error)


@pytest.mark.subprocess
def test_stats_into_a_pipe_closed_early_prints_no_traceback(good_db):
    """`python -m core stats | head -1`: the reader leaving is not an error."""
    proc = subprocess.Popen([sys.executable, "-m", "core", "stats", "--db", str(good_db)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0 and "Traceback" not in err, err
