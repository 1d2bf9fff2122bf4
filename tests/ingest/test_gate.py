"""One gate for every way in: files, folders, uploads, URLs, pasted text and library callers all meet the same
limits (empty, too long, not English), and each refusal says which limit and why."""
from __future__ import annotations

import datetime as dt

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.ingest import fetch as F
from core.ingest import readers
from core.ingest.ingest import ingest_articles, ingest_paths
from core.storage.store import open_store
from tests import dashboard_data as data
from tests._store_helpers import stub_extract

LIMIT = 300  # a small stand-in for MAX_ARTICLE_CHARS (200,000), so over-long texts stay short to write
SENTENCE = "Moscow demanded that NATO halt its expansion to the east, and Kyiv warned of war. "
LONG = SENTENCE * 5  # 409 characters once stripped
GERMAN = ("Die Regierung in Moskau hat am Montag erklärt, dass sie mit den Gesprächen nicht zufrieden ist und "
          "dass sie auf eine Antwort der NATO wartet, die bis zum Ende der Woche kommen soll.")


@pytest.fixture()
def small_limit(monkeypatch):
    monkeypatch.setattr(readers, "MAX_ARTICLE_CHARS", LIMIT)


def _art(text, n=1):
    return {"article_id": f"g{n}", "title": "t", "published": "2022-02-14", "text": text}


def test_library_callers_meet_the_gate(tmp_path, small_limit):
    summary = ingest_articles(open_store(tmp_path / "g.duckdb"), [_art(LONG, 1), _art(GERMAN, 2), _art(SENTENCE, 3)],
                              extract=stub_extract)
    assert summary.counts() == {"new": 1, "duplicate": 0, "failed": 2}
    assert f"{len(LONG.strip())} characters, over the {LIMIT:,} limit" in summary.failed[0].reason
    assert "not English (it looks like German)" in summary.failed[1].reason


def test_files_and_folders_meet_the_same_gate(tmp_path, small_limit):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "long.txt").write_text(LONG, encoding="utf-8")
    (folder / "de.md").write_text(GERMAN, encoding="utf-8")
    summary = ingest_paths(open_store(tmp_path / "g.duckdb"), [folder], published="2022-02-14", extract=stub_extract)
    reasons = sorted(o.reason for o in summary.failed)
    assert summary.counts()["new"] == 0 and len(reasons) == 2
    assert "over the 300 limit" in reasons[0] and "not English" in reasons[1]


def test_a_fetched_page_meets_the_gate(small_limit):
    body = f"<html><head><title>Terms</title></head><body><article><p>{LONG}</p></article></body></html>"
    page = F.Page("https://news.example/long", 200, "text/html", body.encode())
    with pytest.raises(F.FetchError, match=f"news.example/long: article text is .* over the {LIMIT} limit"):
        F.page_to_article(page, requested_url=page.url, published="2022-02-14")


@pytest.fixture()
def dashboard(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_DB", str(data.build_db(tmp_path / "parley.duckdb")))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("text, why", [(LONG, f"over the {LIMIT} limit"), (GERMAN, "not English")])
def test_pasted_text_meets_the_gate(dashboard, small_limit, text, why):  # the database first, then the limit
    at = AppTest.from_file(str(data.ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/ingest.py")
    at.run()
    at.text_area[0].set_value(text)
    at.date_input[0].set_value(dt.date(2022, 2, 14))  # "Published" has no default
    at.button[0].click().run()  # the paste form's submit button
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["Refused"] == "1"
    assert any("pasted text" in m.value and why in m.value for m in at.markdown)
