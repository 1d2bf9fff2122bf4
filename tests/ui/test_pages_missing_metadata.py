"""Every page over a database whose articles have no outlet, title or url and whose positions have no
speaker: ordinary input (a .txt file, pasted text, a corpus row with `outlet: null`) must draw, not crash."""
from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.ingest.ingest import ingest_articles
from core.storage.store import open_store
from tests import dashboard_data as data
from ui.nav import PAGES

BARE = [{**a, "title": None, "outlet": None, "url": None} for a in data.ARTICLES]


def _no_speaker(text, **kw):
    return data.fake_extract(text, **kw).assign(speaker=None)


@pytest.fixture(scope="module")
def bare_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("bare") / "parley.duckdb"
    summary = ingest_articles(open_store(path), BARE, extract=_no_speaker)
    assert summary.counts()["new"] == len(BARE), summary.details()
    return path


@pytest.fixture(autouse=True)
def db(bare_db, monkeypatch):
    monkeypatch.setenv("PARLEY_DB", str(bare_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("page", [p.file for p in PAGES])
def test_page_draws_without_outlet_title_url_or_speaker(page):
    at = AppTest.from_file(str(data.ROOT / "app.py"), default_timeout=60)
    at.run()
    if page != PAGES[0].file:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page.endswith("overview.py"):
        latest = "\n".join(m.value for m in at.markdown)
        assert "Latest demands" in "\n".join(h.value for h in at.subheader)
        assert 'target="_self">article</a>' in latest  # the link to the evidence is named for the article when no outlet is known


def test_article_page_names_an_untitled_article_by_its_first_words():
    at = AppTest.from_file(str(data.ROOT / "app.py"), default_timeout=60)
    at.query_params["_article"] = "hw-talks"
    at.run()
    at.switch_page("app_pages/articles.py")
    at.query_params["_article"] = "hw-talks"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Russia said it was ready" in at.subheader[0].value


def test_review_page_offers_untitled_articles_to_a_named_reviewer():
    """The 'Add a missed position' picker names each article by its title: an untitled one by its id."""
    at = AppTest.from_file(str(data.ROOT / "app.py"), default_timeout=60)
    at.session_state["parley_reviewer"] = "tester"
    at.run()
    at.switch_page("app_pages/review.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    picker = at.selectbox(key="rv_add_article")
    assert picker.value in {a["article_id"] for a in BARE}
