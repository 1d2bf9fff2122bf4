"""Read-only use: reading commands open the database read-only, so they run beside another reader and on a
file nobody may write; the dashboard runs on such a file, its Ingest and Review pages saying why they cannot."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.cli import main
from core.storage.store import open_store
from tests import dashboard_data as data

ROOT = data.ROOT
HOLDER = textwrap.dedent("""
    import sys, time, duckdb
    conn = duckdb.connect(sys.argv[1], read_only=True)
    print("holding", flush=True)
    time.sleep(60)
""")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return data.build_db(tmp_path_factory.mktemp("ro") / "parley.duckdb")


@pytest.fixture()
def reader(db):
    """Another process reading the database (a read-only dashboard): it holds a shared lock."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "holding"
        yield proc
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.subprocess
def test_stats_and_export_read_beside_another_reader(db, reader, tmp_path, capsys):
    assert main(["stats", "--db", str(db)]) == 0
    assert f"positions  {data.N_POSITIONS}" in capsys.readouterr().out
    out = tmp_path / "out.csv"
    assert main(["export", "--db", str(db), "-o", str(out), "--stance", "demand"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1 + data.N_DEMANDS


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write any file")
def test_stats_on_a_read_only_file(db, tmp_path, capsys):
    copy = tmp_path / "ro" / "parley.duckdb"
    copy.parent.mkdir()
    copy.write_bytes(db.read_bytes())
    copy.chmod(0o444)
    copy.parent.chmod(0o555)
    try:
        assert main(["stats", "--db", str(copy)]) == 0
    finally:
        copy.parent.chmod(0o755)


@pytest.fixture()
def read_only_dashboard(db, monkeypatch):
    monkeypatch.setenv("PARLEY_DB", str(db))
    monkeypatch.setenv("PARLEY_READ_ONLY", "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def _page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    if page != "app_pages/overview.py":
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page, what", [("app_pages/ingest.py", "Adding articles"), ("app_pages/review.py", "Reviewing")])
def test_writing_pages_say_why_they_are_unavailable(read_only_dashboard, page, what):
    at = _page(page)
    notes = [i.value for i in at.info]
    assert any(n.startswith(f"{what} is unavailable") and "PARLEY_READ_ONLY" in n for n in notes), notes
    assert not at.text_area and not at.button  # no form that would fail on submit


def test_reading_pages_work_read_only(read_only_dashboard):
    at = _page("app_pages/positions.py")
    assert any(f"Showing {data.N_POSITIONS} positions" in m.value for m in at.markdown)


def test_an_empty_read_only_database_is_not_filled_with_the_sample(tmp_path, monkeypatch):
    empty = tmp_path / "empty.duckdb"
    open_store(empty)
    monkeypatch.setenv("PARLEY_DB", str(empty))
    monkeypatch.setenv("PARLEY_READ_ONLY", "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = _page("app_pages/overview.py")
    assert any("cannot be added from this dashboard" in i.value for i in at.info)
    assert not at.button and open_store(empty, read_only=True).is_empty()
