"""Statement ids and shifts stored at write time (core/storage/derived.py, migration 014): they must equal what the views
worked out per view (core.analysis.grouping over the rows shown, core.analysis.shifts.detect_shifts), after every kind of write —
ingest, review decisions, re-extraction — and the pages must say the same figures with them as without."""
from __future__ import annotations

import re

import pandas as pd
import pytest
import streamlit as st

from core.analysis.grouping import assign_statements
from core.analysis.shifts import detect_shifts
from core.ingest.reextract import reextract
from core.schema import positions_frame
from core.storage import derived, overlay, review
from core.storage.derived import replace_positions
from core.storage.store import insert_article, open_store
from tests import dashboard_data as data

OLD = "0.0.0-test-old"
DEMAND = "Russia demanded that NATO halt its expansion eastward at once."
DEMAND_2 = "Russia demanded that NATO halt its expansion eastward immediately."
TALKS = "Russia said it was ready for talks with NATO on security guarantees."
REJECT = "Ukraine rejected any limit on its right to choose alliances."
ARTICLES = {  # article: (outlet, published, [(sentence, actor, target, stance, issue, date)])
    "tass-1": ("TASS", "2022-01-10", [(DEMAND, "Russia", "NATO", "demand", "nato_enlargement", "2022-01-10"),
                                       (REJECT, "Ukraine", "Russia", "rejection", "nato_enlargement", "2022-01-10")]),
    "reuters-1": ("Reuters", "2022-01-11", [(DEMAND_2, "Russia", "NATO", "demand", "nato_enlargement", "2022-01-11")]),
    "cnn-1": ("CNN", "2022-02-01", [(TALKS, "Russia", "NATO", "dialogue", "nato_enlargement", "2022-02-01")]),
}


def rows_of(article_id: str, specs) -> pd.DataFrame:
    text = " ".join(s for s, *_ in specs)
    rows = [dict(article_id=article_id, sentence=s, char_start=text.index(s), char_end=text.index(s) + len(s),
                 actor=actor, target=target, stance=stance, issue=issue, date=date, date_precision="day",
                 hedged=False, confidence=0.8, rule_id=f"{stance}.test", cue=stance)
            for s, actor, target, stance, issue, date in specs]
    return positions_frame(rows)


@pytest.fixture
def store(tmp_path):
    st_ = open_store(tmp_path / "parley.duckdb")
    for article_id, (outlet, published, specs) in ARTICLES.items():
        with st_.transaction() as conn:
            insert_article(conn, {"article_id": article_id, "title": article_id, "outlet": outlet, "url": None,
                                  "published": published, "text": " ".join(s for s, *_ in specs)},
                           text_hash=article_id, source="test", extractor_version=OLD)
            replace_positions(conn, article_id, rows_of(article_id, specs), extractor_version=OLD)
    return st_


def assert_stored_equal_computed(store) -> tuple[pd.DataFrame, pd.DataFrame]:
    stored = review.query_positions(store, statements=True)
    computed = assign_statements(review.query_positions(store))
    assert stored["statement_id"].notna().all()
    assert stored["position_id"].tolist() == computed["position_id"].tolist()
    assert stored["statement_id"].tolist() == computed["statement_id"].astype(str).tolist()
    with store.connect() as conn:
        shifts = derived.stored_shifts(conn)
    pd.testing.assert_frame_equal(shifts, detect_shifts(review.query_positions(store)))
    return stored, shifts


def test_ingest_stores_the_statement_ids_and_shifts_the_views_computed(store):
    stored, shifts = assert_stored_equal_computed(store)
    demands = stored[stored["stance"] == "demand"]
    assert demands["statement_id"].nunique() == 1 and len(demands) == 2   # two outlets, one statement
    assert list(shifts["kind"]) == ["softened"] and shifts["from_n_reports"].iloc[0] == 2
    assert sorted(shifts["from_outlets"].iloc[0]) == ["Reuters", "TASS"]


def test_review_decisions_update_them(store):
    df = review.query_positions(store)
    reuters = df.loc[df["article_id"] == "reuters-1", "position_id"].iloc[0]
    talks = df.loc[df["stance"] == "dialogue", "position_id"].iloc[0]
    _, unreviewed = assert_stored_equal_computed(store)
    review.edit(store, reuters, "ann", {"stance": "warning"})   # leaves the statement, and its line moves
    stored, edited = assert_stored_equal_computed(store)
    assert len(stored[stored["stance"] == "demand"]) == 1
    assert not edited.equals(unreviewed)
    review.reject(store, talks, "ann")                           # CNN's talks are hidden: no shift ends there
    _, shifts = assert_stored_equal_computed(store)
    assert "cnn-1" not in set(shifts["to_article_id"]) and "cnn-1" in set(unreviewed["to_article_id"])
    review.reopen(store, talks, "ann")
    _, shifts = assert_stored_equal_computed(store)
    pd.testing.assert_frame_equal(shifts, edited)
    review.edit(store, reuters, "ann", {"actor": "United States"})   # another line altogether
    assert_stored_equal_computed(store)
    added = review.add(store, "cnn-1", "ann", {"sentence": TALKS, "actor": "NATO", "stance": "dialogue",
                                               "issue": "nato_enlargement"})
    stored, _ = assert_stored_equal_computed(store)
    assert added["position_id"] in set(stored["position_id"])


def test_reextraction_updates_them(store):
    before, _ = assert_stored_equal_computed(store)

    def extract(text, *, article_id, published, title=None):   # the newer extractor reads CNN's talks as a demand
        specs = ARTICLES[article_id][2]
        if article_id == "cnn-1":
            specs = [(TALKS, "Russia", "NATO", "demand", "nato_enlargement", "2022-01-11")]
        return rows_of(article_id, specs)

    summary = reextract(store, version="0.0.1-test-new", extract=extract)
    assert len(summary.updated) == 3 and not summary.failed
    after, shifts = assert_stored_equal_computed(store)
    assert shifts.empty
    assert after[after["stance"] == "demand"]["statement_id"].nunique() < len(after[after["stance"] == "demand"])
    assert set(after["statement_id"]) != set(before["statement_id"])


def test_the_migration_fills_them_for_rows_stored_before_it(store):
    with store.transaction() as conn:
        for table in (derived.STATEMENTS_TABLE, derived.SHIFTS_TABLE):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM schema_migrations WHERE version = 14")
    reopened = open_store(store.path)   # applies 014 again, as on a database from before it
    assert_stored_equal_computed(reopened)


# -- the pages say the same with the stored values as with values worked out per view -------------------------

PAGES = ["app_pages/overview.py", "app_pages/timeline.py", "app_pages/actors.py", "app_pages/issues.py",
         "app_pages/network.py", "app_pages/positions.py", "app_pages/articles.py", "app_pages/shifts.py",
         "app_pages/review.py"]


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    return data.build_db(tmp_path_factory.mktemp("derived") / "parley.duckdb")


def figures(page: str, params: dict) -> list[str]:
    """The page's "Showing …" sentences and its counts of statements and shifts, as read."""
    st.cache_data.clear()
    st.cache_resource.clear()
    at = data.open_page(page, **params)
    assert not at.error, [e.value for e in at.error]
    texts = [re.sub(r"<[^>]+>", "", m.value) for m in at.markdown if "parley-showing" in m.value]
    texts += [c.value for c in at.caption if re.search(r"statement|shift|report", c.value)]
    texts += [m.value for m in at.markdown if "positions to check" in m.value]
    return texts


def per_view_shifts(conn, actor=None, issue=None) -> pd.DataFrame:
    """What the pages showed before migration 014: the shifts detected on the rows shown (the line's rows)."""
    df = review.overlay_rows(conn)
    if actor:
        df = df[df["actor"] == actor]
    if issue:
        df = df[df["issue"] == issue]
    return detect_shifts(df)


@pytest.mark.parametrize("params", [{}, {"stance": "demand"}, {"from": "2022-02-01"}, {"_count": "reports"}])
def test_pages_show_the_same_figures_as_when_worked_out_per_view(fixture_db, monkeypatch, params):
    monkeypatch.setenv("PARLEY_DB", str(fixture_db))
    with_stored = {page: figures(page, params) for page in PAGES}
    # per view, as before migration 014: no stored statement id, shifts detected on the rows shown
    monkeypatch.setattr(overlay, "_with_statement_ids", lambda sql, then="": (
        f"SELECT q.*, CAST(NULL AS VARCHAR) AS statement_id FROM ({sql}) q"
        f' ORDER BY q."date", q.article_id, q.char_start, q.position_id{then}'))
    monkeypatch.setattr(derived, "stored_shifts", per_view_shifts)
    per_view = {page: figures(page, params) for page in PAGES}
    assert with_stored == per_view
    assert any("statement" in t for texts in with_stored.values() for t in texts)
    st.cache_data.clear()
    st.cache_resource.clear()
