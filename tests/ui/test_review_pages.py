"""AppTest of /review, /shifts and /about opened from shared links (preset query parameters),
against a small database of hand-written positions: the content must follow the link."""
from __future__ import annotations

import json
import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.ingest.ingest import ingest_articles
from core.measure.accuracy import load_accuracy
from core.paths import ROOT
from core.schema import positions_frame
from core.storage.store import open_store
from tests.dashboard_data import share_link

TIMEOUT = 60  # the machine is shared; slowness is measured elsewhere

# (article, published, outlet, sentence, actor, stance, target, issue, confidence)
POSITIONS = [
    ("a-jan", "2022-01-10", "Wire A", "Moscow demanded that NATO halt its expansion.", "Russia", "demand", "NATO",
     "nato_enlargement", 0.30),
    ("a-jan", "2022-01-10", "Wire A", "Kyiv rejected talks with Moscow.", "Ukraine", "rejection", "Russia",
     "negotiations", 0.80),
    ("a-feb", "2022-02-10", "Wire B", "Moscow said it was ready to discuss NATO expansion with the alliance.",
     "Russia", "dialogue", "NATO", "nato_enlargement", 0.60),
    ("a-feb", "2022-02-10", "Wire B", "Kyiv said it was open to talks with Moscow.", "Ukraine", "dialogue", "Russia",
     "negotiations", 0.70),
]
ARTICLES = [{"article_id": a, "title": f"Story {a}", "outlet": o, "published": d, "url": f"https://t.example/{a}",
             "text": " ".join(p[3] for p in POSITIONS if p[0] == a)}
            for a, d, o in dict.fromkeys((p[0], p[1], p[2]) for p in POSITIONS)]


def fake_extract(text, *, article_id, published, title=None):
    rows = []
    for art, date, _, sentence, actor, stance, target, issue, conf in POSITIONS:
        if art == article_id:
            start = text.index(sentence)
            rows.append(dict(article_id=art, sentence=sentence, char_start=start, char_end=start + len(sentence),
                             actor=actor, target=target, stance=stance, issue=issue, date=date, date_precision="day",
                             hedged=False, confidence=conf, rule_id=f"{stance}.test", cue=stance))
    return positions_frame(rows)


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "parley.duckdb"
    summary = ingest_articles(open_store(path), ARTICLES, extract=fake_extract)
    assert summary.counts()["new"] == len(ARTICLES)
    monkeypatch.setenv("PARLEY_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(page: str, reviewer: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.switch_page(page)
    at.query_params.update(params)
    if reviewer:
        at.session_state["parley_reviewer"] = reviewer
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sentence(at: AppTest) -> str:
    found = [re.sub(r"<[^>]+>", "", m.value) for m in at.markdown if "parley-showing" in m.value]
    assert found, "the page does not say what it shows"
    return found[0]


def about_page(report: dict, tmp_path, monkeypatch) -> AppTest:
    """The About page reading `report` as its accuracy report (no runtime scoring: no shared gold)."""
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report))
    monkeypatch.setenv("PARLEY_EVAL_REPORT", str(path))
    monkeypatch.setenv("PARLEY_SHARED", str(tmp_path / "no-shared"))
    return open_page("app_pages/about.py")


def text(at: AppTest) -> str:
    """Markdown and captions as a reader sees them (markdown escapes removed)."""
    raw = "\n".join(m.value for m in at.markdown) + "\n" + "\n".join(c.value for c in at.caption)
    return re.sub(r"\\(.)", r"\1", raw)


def test_review_queue_follows_the_link(db):
    at = open_page("app_pages/review.py")
    assert sentence(at).startswith("Showing 4 positions")
    queue = at.selectbox[0]
    assert queue.label == "Position to check"
    assert "0.30" in queue.options[0] and "Moscow demanded" in queue.options[0]  # lowest confidence (0.30) first
    assert "rule demand.test" in text(at)  # why it was extracted

    at = open_page("app_pages/review.py", actor="Ukraine")
    assert sentence(at).startswith("Showing 2 positions: actor is Ukraine")
    assert "Kyiv said it was open" in at.selectbox[0].options[0]


def test_review_asks_the_name_once_then_records(db):
    at = open_page("app_pages/review.py")
    assert not [b for b in at.button if b.key == "rv_queue_accept"]  # no name, no decisions
    at.text_input(key="rv_name_input").input("Ann")
    at.button[[b.label for b in at.button].index("Start reviewing")].click().run()
    assert "Reviewing as **Ann**" in text(at)
    at.button(key="rv_queue_accept").click().run()
    assert not at.exception
    assert "1 decision** in the audit trail" in text(at)
    assert "1 accepted" in text(at)

    reviewed = open_page("app_pages/review.py", _reviewed="1")
    assert sentence(reviewed).startswith("Showing 1 position: reviewed only")
    assert at.toggle(key="rv_reviewed_toggle").value is False
    assert reviewed.toggle(key="rv_reviewed_toggle").value is True


def test_review_reject_hides_the_row_everywhere(db):
    at = open_page("app_pages/review.py", reviewer="Bob", stance="demand")
    assert sentence(at).startswith("Showing 1 position")
    at.button(key="rv_queue_reject").click().run()
    assert sentence(at).startswith("Showing 0 positions")
    assert "1 rejected" in text(at)
    shifts = open_page("app_pages/shifts.py")
    assert "<b>softened</b>" not in text(shifts) and "<b>opened</b>" in text(shifts)  # no demand, no softening


def test_review_reads_its_two_frames_once_as_the_other_pages_read_them(db):
    # the Review page takes the rows it shows out of its rejected-too read: they must be the very rows (and
    # columns, statement ids included) that the other pages read, rejected, accepted and unreviewed rows alike
    import pandas as pd

    from core.filters import Filters
    from ui import cache

    at = open_page("app_pages/review.py", reviewer="Bob", stance="demand")
    at.button(key="rv_queue_reject").click().run()
    at = open_page("app_pages/review.py", reviewer="Bob")
    at.button(key="rv_queue_accept").click().run()
    for filters in (Filters(), Filters(actor=("Ukraine",))):
        everything = cache.positions(filters, reviewed_only=False, include_rejected=True)
        assert set(everything["review_status"]) == {"rejected", "accepted", "unreviewed"} or filters.actor
        for only in (False, True):
            shown, every = cache.review_positions(filters, reviewed_only=only)
            pd.testing.assert_frame_equal(shown, cache.positions(filters, reviewed_only=only))
            pd.testing.assert_frame_equal(every, everything)


def test_shifts_page_lists_shifts_with_both_sentences(db):
    at = open_page("app_pages/shifts.py")
    body = text(at)
    assert "2 shifts found" in sentence(at)
    assert "<b>softened</b>" in body and "<b>opened</b>" in body
    assert "Moscow demanded that NATO halt its expansion." in body and "ready to discuss NATO expansion" in body
    assert "position line" in body.lower()  # the rule is explained on the page
    assert not at.dataframe   # the rules and the position lines: tables drawn once their expander opens
    at.session_state["shifts_rules"] = True
    at.session_state["shifts_lines"] = True
    rules, lines = (t.value for t in at.run().dataframe)
    assert len(rules) and lines["positions"].sum() == len(POSITIONS)

    ukraine = open_page("app_pages/shifts.py", actor="Ukraine")
    assert sentence(ukraine).startswith("Showing 2 positions: actor is Ukraine, 1 shift found")
    assert "<b>opened</b>" in text(ukraine) and "<b>softened</b>" not in text(ukraine)

    kind = open_page("app_pages/shifts.py", _kind="softened")
    assert "1 softened shift found" in sentence(kind)
    assert "<b>softened</b>" in text(kind) and "<b>opened</b>" not in text(kind)


def test_about_page_shows_accuracy_or_says_it_is_absent(db):
    at = open_page("app_pages/about.py")
    acc = load_accuracy()
    assert acc.source in text(at)
    if acc.available:
        table = at.dataframe[0].value
        assert list(table["stance"])[:2] == ["demand", "concession"]
    else:
        assert any("No accuracy figures" in w.value for w in at.warning)


def test_about_page_reads_the_report_it_is_given(db, tmp_path, monkeypatch):
    report = {"articles": 3, "L1": {"precision": 0.5, "recall": 0.4, "f1": 0.44},
              "L2": {"precision": 0.4, "recall": 0.3, "f1": 0.34},
              "per_stance_L1": {"demand": {"precision": 0.81, "recall": 0.62, "f1": 0.7, "tp": 5, "gold": 8, "pred": 6}},
              "run": {"extractor_version": "0.0.1-old", "when": "2026-11-28T20:00:00Z"}}
    at = about_page(report, tmp_path, monkeypatch)
    table = at.dataframe[0].value.set_index("stance")
    assert (table.loc["demand", "precision"], table.loc["demand", "recall"]) == (0.81, 0.62)
    assert "report.json" in text(at) and "0.0.1-old" in text(at)
    assert any("older extractor version" in w.value for w in at.warning)
    assert [m.value for m in at.metric][:2] == ["0.44", "0.34"]


def test_about_page_leads_with_the_figures_for_unseen_articles(db, tmp_path, monkeypatch):
    report = {"articles": 3, "L1": {"f1": 0.8}, "L2": {"f1": 0.7}, "note": "dev figures are held-in",
              "per_stance_L1": {"demand": {"precision": 0.9, "recall": 0.8, "f1": 0.85}},
              "model": {"cv": {"L1_f1": 0.41, "L2_f1": 0.27, "speaker": 0.95, "per_stance_f1": {"demand": 0.47}}}}
    at = about_page(report, tmp_path, monkeypatch)
    assert [m.value for m in at.metric][:3] == ["0.41", "0.27", "0.95"]
    assert at.dataframe[0].value.set_index("stance").loc["demand", "f1_unseen"] == 0.47
    assert any("held-in" in i.value for i in at.info)
    assert len(at.dataframe) == 1  # this report holds no confidence cuts: no table for them


def test_about_page_shows_the_figures_whose_cuts_never_saw_the_scored_articles(db, tmp_path, monkeypatch):
    cuts = [{"min_confidence": 0.5, "positions": 20, "precision": 0.8, "recall": 0.1}]
    report = {"articles": 3, "L1": {"f1": 0.8}, "per_stance_L1": {"demand": {"precision": 0.9, "recall": 0.8, "f1": 0.85}},
              "model": {"cv": {"L1_f1": 0.53, "L2_f1": 0.40, "speaker": 0.95, "per_stance_f1": {"demand": 0.58},
                               "by_confidence": cuts},
                        "cv_nested_cuts": {"L1_f1": 0.52, "L2_f1": 0.39, "speaker": 0.95,
                                           "per_stance_f1": {"demand": 0.57}}}}
    at = about_page(report, tmp_path, monkeypatch)
    assert [m.value for m in at.metric][:3] == ["0.52", "0.39", "0.95"]
    assert at.dataframe[0].value.set_index("stance").loc["demand", "f1_unseen"] == 0.57
    assert len(at.dataframe) == 2  # the confidence cuts (kept in model.cv) still shown


def test_about_page_and_sidebar_say_what_a_minimum_confidence_buys(db, tmp_path, monkeypatch):
    cuts = [{"min_confidence": 0.3, "positions": 80, "precision": 0.61, "recall": 0.3},
            {"min_confidence": 0.5, "positions": 20, "precision": 0.8, "recall": 0.1}]
    report = {"articles": 3, "L1": {"f1": 0.8}, "per_stance_L1": {"demand": {"precision": 0.9, "recall": 0.8, "f1": 0.85}},
              "model": {"cv": {"L1_f1": 0.41, "by_confidence": cuts}}}
    at = about_page(report, tmp_path, monkeypatch)
    table = at.dataframe[1].value.set_index("min_confidence")
    assert (table.loc[0.5, "precision"], table.loc[0.5, "recall"]) == (0.8, 0.1)
    at = open_page("app_pages/positions.py")
    assert "at least 0.5: 80% right, 10% of all found" in at.number_input(key="flt_conf").help


def test_review_link_opens_the_chosen_position(db):
    at = open_page("app_pages/review.py")
    assert "Moscow said it was ready" in at.selectbox[0].options[1]  # confidence 0.60: second in the queue
    at.selectbox[0].select_index(1).run()
    chosen = at.query_params["_position"]
    chosen = chosen if isinstance(chosen, str) else chosen[0]
    linked = open_page("app_pages/review.py", _position=chosen)  # the share link reopens the same item
    assert linked.selectbox[0].value == chosen
    assert "Moscow said it was ready to discuss NATO expansion" in text(linked)
    assert "_position=" + chosen in share_link(linked, "reviewed_positions")  # and the share link carries it


def test_edit_and_add_through_the_page(db):
    at = open_page("app_pages/review.py", reviewer="Cleo", stance="demand")
    stance_box = next(s for s in at.selectbox if s.key and s.key.startswith("rv_queue_edit_") and s.key.endswith("_stance"))
    stance_box.select("warning")
    next(b for b in at.button if b.label == "Save edits").click().run()
    assert not at.exception
    assert sentence(at).startswith("Showing 0 positions: stance is demand")  # the row moved to warning
    warning = open_page("app_pages/review.py", stance="warning")
    assert sentence(warning).startswith("Showing 1 position") and "1 edited" in text(warning)

    at = open_page("app_pages/review.py", reviewer="Cleo", actor="Ukraine")
    prefix = next(s.key for s in at.selectbox if s.key and s.key.startswith("rv_add_") and s.key.endswith("_actor"))
    prefix = prefix[: -len("_actor")]
    at.selectbox(key=prefix + "_actor").select("Ukraine")
    at.selectbox(key=prefix + "_stance").select("assertion")
    at.selectbox(key=prefix + "_issue").select("negotiations")
    next(b for b in at.button if b.label == "Add this position").click().run()
    assert not at.exception and "1 added" in text(at)


def test_about_page_shows_the_learning_curve_and_unseen_date_and_target(db, tmp_path, monkeypatch):
    curve = [{"fraction": 0.5, "encoder_weight": 0.0, "L1_f1": 0.45, "L2_f1": 0.31},
             {"fraction": 1.0, "encoder_weight": 0.5, "L1_f1": 0.52, "L2_f1": 0.37}]
    report = {"articles": 3, "L1": {"f1": 0.8}, "per_stance_L1": {"demand": {"precision": 0.9, "recall": 0.8, "f1": 0.85}},
              "model": {"cv": {"L1_f1": 0.52, "L2_f1": 0.37, "speaker": 0.95, "date": 0.89, "target": 0.76},
                        "learning_curve": curve}}
    at = about_page(report, tmp_path, monkeypatch)
    assert [m.value for m in at.metric][:5] == ["0.52", "0.37", "0.95", "0.89", "0.76"]
    table = at.dataframe[-1].value
    assert list(table["L1_f1"]) == [0.45, 0.52] and list(table["fraction"]) == [0.5, 1.0]
    assert "Would more annotation help?" in [h.value for h in at.subheader]


def test_an_edit_that_brings_a_row_into_the_filters_brings_its_article_too(db):
    """Kyiv's rejection edited into dialogue: under ?stance=dialogue its article holds a shown position, so the
    Overview counts it and the Articles page lists it (the stored stance no longer decides which articles show)."""
    from core.storage.review import edit

    s = open_store(db)
    rejection = next(r for r in s.query_positions().to_dict("records") if r["stance"] == "rejection")
    edit(s, rejection["position_id"], "Bob", {"stance": "dialogue"})
    st.cache_data.clear()
    st.cache_resource.clear()
    overview = open_page("app_pages/overview.py", stance="dialogue")
    assert sentence(overview).startswith("Showing 3 positions")
    assert {m.label: m.value for m in overview.metric}["Articles"] == "2"
    articles = open_page("app_pages/articles.py", stance="dialogue")
    assert "Story a-jan" in " ".join(map(str, articles.selectbox(key="view_article").options))
