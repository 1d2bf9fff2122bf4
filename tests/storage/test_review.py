"""Review decisions, the audit trail and the overlay, on real DuckDB files; and survival of re-extraction."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from core.filters import Filters
from core.paths import ROOT
from core.present import why
from core.schema import positions_frame
from core.storage import review
from core.storage.store import insert_article, open_store, replace_positions

OLD_VERSION = "0.0.0-test-old"
TEXT = ("Moscow demanded that NATO halt its expansion. "
        "Kyiv said it was ready for talks with Moscow. "
        "The Kremlin rejected the proposal for a summit. "
        "Washington warned of severe sanctions if Russia attacks.")
SENTENCES = [s if s.endswith(".") else s + "." for s in TEXT.split(". ")]


def machine_rows(article_id="a1") -> pd.DataFrame:
    specs = [("Russia", "NATO", "demand", "nato_enlargement", 0.9),
             ("Ukraine", "Russia", "dialogue", "negotiations", 0.4),
             ("Russia", None, "rejection", "negotiations", 0.2)]
    rows = []
    for sentence, (actor, target, stance, issue, conf) in zip(SENTENCES[:3], specs, strict=True):
        start = TEXT.index(sentence)
        rows.append(dict(article_id=article_id, sentence=sentence, char_start=start, char_end=start + len(sentence),
                         actor=actor, target=target, stance=stance, issue=issue, date="2022-02-14",
                         date_precision="day", hedged=False, confidence=conf, rule_id=f"{stance}.test", cue=stance))
    return positions_frame(rows)


@pytest.fixture
def store(tmp_path):
    st = open_store(tmp_path / "parley.duckdb")
    with st.transaction() as conn:
        insert_article(conn, {"article_id": "a1", "title": "Talks", "outlet": "Test Wire", "url": "https://t.example/1",
                              "published": "2022-02-14", "text": TEXT}, text_hash="h1", source="test",
                       extractor_version=OLD_VERSION)
        replace_positions(conn, "a1", machine_rows(), extractor_version=OLD_VERSION)
    return st


def pid(store, stance) -> str:
    df = store.query_positions(Filters(stance=(stance,)))
    return df["position_id"].iloc[0]


def view(store, **kw) -> pd.DataFrame:
    return review.query_positions(store, **kw)


def test_unreviewed_rows_carry_a_status(store):
    df = view(store)
    assert len(df) == 3 and set(df["review_status"]) == {"unreviewed"}
    assert list(review.review_queue(df)["stance"]) == ["rejection", "dialogue", "demand"]  # lowest confidence first


def test_accept_reject_edit_and_the_overlay(store):
    review.accept(store, pid(store, "demand"), "Ann")
    review.reject(store, pid(store, "rejection"), "Ann", note="a fact, not a stance")
    review.edit(store, pid(store, "dialogue"), "Bob", {"stance": "concession", "hedged": True})
    df = view(store).set_index("stance")
    assert sorted(df.index) == ["concession", "demand"]  # the rejected row is gone
    assert df.loc["demand", "review_status"] == "accepted" and df.loc["demand", "reviewer"] == "Ann"
    assert df.loc["concession", "review_status"] == "edited" and bool(df.loc["concession", "hedged"])
    assert "rejected" in set(view(store, include_rejected=True)["review_status"])
    # filters apply to the row as edited: the edit moved it from dialogue to concession
    assert view(store, filters=None).shape[0] == 2
    assert review.query_positions(store, Filters(stance=("dialogue",))).empty
    assert len(review.query_positions(store, Filters(stance=("concession",)))) == 1
    assert review.status_counts(view(store, include_rejected=True)) == {
        "unreviewed": 0, "accepted": 1, "edited": 1, "rejected": 1, "added": 0}


def test_reviewed_only(store):
    review.accept(store, pid(store, "demand"), "Ann")
    df = view(store, reviewed_only=True)
    assert list(df["stance"]) == ["demand"]


def test_add_a_missed_position(store):
    row = review.add(store, "a1", "Cleo", {"sentence": SENTENCES[3], "actor": "United States", "target": "Russia",
                                           "stance": "warning", "issue": "sanctions"})
    assert row["position_id"].startswith("added:") and row["char_start"] == TEXT.index(SENTENCES[3])
    assert row["date"] == "2022-02-14" and row["date_precision"] == "day"
    df = view(store)
    added = df[df["review_status"] == "added"].iloc[0]
    assert added["actor"] == "United States" and added["outlet"] == "Test Wire"
    assert "Added by a reviewer (Cleo)" in why.explain(added)
    with pytest.raises(review.ReviewError, match="already added"):
        review.add(store, "a1", "Cleo", {"sentence": SENTENCES[3], "actor": "United States", "target": "Russia",
                                         "stance": "warning", "issue": "sanctions"})


@pytest.mark.parametrize("call, message", [
    (lambda s: review.accept(s, "nope", "Ann"), "no position"),
    (lambda s: review.accept(s, pid(s, "demand"), "  "), "reviewer's name"),
    (lambda s: review.edit(s, pid(s, "demand"), "Ann", {"stance": "grumble"}), "not one of"),
    (lambda s: review.edit(s, pid(s, "demand"), "Ann", {"confidence": 1}), "cannot edit"),
    (lambda s: review.edit(s, pid(s, "demand"), "Ann", {"date": "2022-02"}), "does not fit precision"),
    (lambda s: review.add(s, "a1", "Ann", {"sentence": "Not in the text.", "actor": "Russia",
                                           "stance": "demand", "issue": "other"}), "not in the article"),
    (lambda s: review.add(s, "zz", "Ann", {"sentence": "x"}), "no article"),
    (lambda s: review.reopen(s, pid(s, "demand"), "Ann"), "no review to reopen"),
])
def test_bad_decisions_say_what_to_fix(store, call, message):
    with pytest.raises(review.ReviewError, match=message):
        call(store)
    assert review.audit_trail(store).empty  # nothing half-written


def test_audit_trail_lists_and_exports(store, tmp_path):
    demand = pid(store, "demand")
    review.edit(store, demand, "Ann", {"target": "West"})
    review.accept(store, demand, "Bob")
    review.reopen(store, demand, "Bob")
    trail = review.audit_trail(store)
    assert list(trail["action"]) == ["reopen", "accept", "edit"]  # newest first
    assert trail.iloc[2]["changes"] == "target: NATO → West"
    assert json.loads(trail.iloc[2]["previous"])["target"] == "NATO"
    assert review.audit_trail(store, reviewer="Ann").shape[0] == 1
    assert view(store).set_index("stance").loc["demand", "review_status"] == "unreviewed"  # reopened
    out = tmp_path / "audit.csv"
    assert review.export_audit(store, out) == 3
    assert pd.read_csv(out)["reviewer"].tolist() == ["Bob", "Bob", "Ann"]


def test_edit_survives_replace_positions_in_process(store):
    """The store's own write path (used by ingest and reextract) leaves reviews standing."""
    review.edit(store, pid(store, "demand"), "Ann", {"stance": "warning"})
    review.reject(store, pid(store, "rejection"), "Ann")
    # a "better" extractor now says the demand sentence is an accusation and keeps the rejection
    newer = machine_rows()
    newer.loc[0, "stance"] = "accusation"
    with store.transaction() as conn:
        replace_positions(conn, "a1", newer, extractor_version="9.9.9")
    df = view(store).set_index("stance")
    assert df.loc["warning", "review_status"] == "edited"  # as the reviewer left it
    # a new claim about the sentence is not what was reviewed: it waits in the queue
    assert df.loc["accusation", "review_status"] == "unreviewed"
    assert "rejection" not in df.index  # the same machine row again: still rejected


@pytest.mark.slow
def test_review_survives_reextract_cli(store, tmp_path):
    """A reviewed edit, a rejection and an added position survive `python -m core reextract`."""
    from core import EXTRACTOR_VERSION

    review.edit(store, pid(store, "demand"), "Ann", {"target": "West", "speaker": "Sergei Lavrov"})
    review.reject(store, pid(store, "dialogue"), "Ann")
    review.add(store, "a1", "Cleo", {"sentence": SENTENCES[3], "actor": "United States", "target": "Russia",
                                     "stance": "warning", "issue": "sanctions"})
    env = {**os.environ, "PARLEY_DB": str(store.path)}
    proc = subprocess.run([sys.executable, "-m", "core", "reextract", "--db", str(store.path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    with store.connect() as conn:
        versions = {r[0] for r in conn.execute("SELECT DISTINCT extractor_version FROM positions").fetchall()}
    assert versions <= {EXTRACTOR_VERSION}  # the machine rows were really replaced
    df = view(store, include_rejected=True)
    edited = df[df["review_status"] == "edited"]
    assert len(edited) == 1 and edited.iloc[0]["target"] == "West" and edited.iloc[0]["speaker"] == "Sergei Lavrov"
    assert (df["review_status"] == "rejected").sum() == 1
    assert "dialogue" not in set(view(store)["stance"][view(store)["char_start"] == TEXT.index(SENTENCES[1])])
    added = df[df["review_status"] == "added"]
    assert len(added) == 1 and added.iloc[0]["actor"] == "United States"
    # no machine row doubles the reviewer's rows on the same sentence, actor, stance and issue
    keys = df[["char_start", "actor", "stance", "issue"]].astype(str).agg("|".join, axis=1)
    assert not keys.duplicated().any()


def test_audit_and_shifts_commands(store, tmp_path):
    """`python -m core audit` and `shifts`, called through their argparse registration (in process)."""
    import argparse

    from core.cli import review_commands

    review.reject(store, pid(store, "demand"), "Ann", note="not a demand")
    parser = argparse.ArgumentParser()
    review_commands.register(parser.add_subparsers(dest="command"))
    out = tmp_path / "audit.jsonl"
    args = parser.parse_args(["audit", "--db", str(store.path), "-o", str(out)])
    assert args.func(args) == 0
    decision = json.loads(out.read_text().splitlines()[0])
    assert decision["action"] == "reject" and decision["note"] == "not a demand"
    csv = tmp_path / "shifts.csv"
    args = parser.parse_args(["shifts", "--db", str(store.path), "-o", str(csv), "--actor", "Russia"])
    assert args.func(args) == 0 and csv.exists()


def test_evidence_in_its_paragraph_escaped_and_sentences_to_pick():
    from core.present.evidence import article_sentences, evidence_html, paragraph_around

    text = "MOSCOW (AP) — First para.\n“We will not allow it,” he said. Kyiv <b>disagreed</b>! Was it so?\n\nNext."
    start = text.index("Kyiv")
    end = start + len("Kyiv <b>disagreed</b>!")
    assert paragraph_around(text, start, end) == ("“We will not allow it,” he said. ", text[start:end], " Was it so?")
    html = evidence_html(text, start, end, text[start:end], "demand")
    assert "&lt;b&gt;disagreed&lt;/b&gt;!</mark>" in html and "<b>" not in html and "First para" not in html
    assert evidence_html(text, 0, 3, "Not there.", "demand") == "<mark>Not there.</mark>"  # stale offsets
    assert [s[2] for s in article_sentences(text)] == [
        "MOSCOW (AP) — First para.", "“We will not allow it,” he said.", "Kyiv <b>disagreed</b>!", "Was it so?", "Next."]


def test_export_carries_review_status(store, tmp_path):
    """Exports apply reviews and say each row's status."""
    from core.storage import export

    review.reject(store, pid(store, "rejection"), "Ann")
    review.edit(store, pid(store, "demand"), "Ann", {"target": "West"})
    out = tmp_path / "out.csv"
    assert export.export_positions(store, None, out) == 2
    df = pd.read_csv(out).set_index("stance")
    assert df.loc["demand", "review_status"] == "edited" and df.loc["demand", "target"] == "West"
    assert df.loc["dialogue", "review_status"] == "unreviewed"


@pytest.mark.slow
def test_audit_cli(store, tmp_path):
    """`python -m core audit` as a user runs it."""
    review.accept(store, pid(store, "demand"), "Ann")
    out = tmp_path / "audit.csv"
    proc = subprocess.run([sys.executable, "-m", "core", "audit", "--db", str(store.path), "-o", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "1 review decision ->" in proc.stderr and pd.read_csv(out)["action"].tolist() == ["accept"]


def test_review_state_holds_every_contract_column(store):
    """core/schema.py gained a column? Its migration must add it to review_state too (see migration 010)."""
    from core.schema import POSITION_COLUMNS

    with store.connect() as conn:
        have = {r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns"
                                           " WHERE table_name = $t", {"t": "review_state"}).fetchall()}
    assert set(POSITION_COLUMNS) <= have, sorted(set(POSITION_COLUMNS) - have)


def test_overlay_with_a_limit_and_reviewed_only(store):
    review.accept(store, pid(store, "demand"), "Ann")
    review.reject(store, pid(store, "rejection"), "Ann")
    limited = view(store, limit=2, include_rejected=True)  # the limit caps the machine rows, reviews are added
    assert list(limited["review_status"]).count("unreviewed") <= 2 and "rejected" in set(limited["review_status"])
    only = view(store, reviewed_only=True, limit=1, filters=Filters(actor=("Russia",)))
    assert list(only["review_status"]) == ["accepted"] and only["reviewed_at"].notna().all()
    assert view(store)["reviewed_at"].isna().sum() == 1  # the unreviewed row has no review time


def test_minimum_confidence_hides_unsure_machine_rows_but_not_reviewed_ones(store):
    sure = Filters(min_confidence=0.5)
    assert list(view(store, filters=sure)["stance"]) == ["demand"]                 # 0.9 kept; 0.4 and 0.2 hidden
    review.accept(store, pid(store, "rejection"), "Ann")                           # a person confirmed the 0.2 row
    assert sorted(view(store, filters=sure)["stance"]) == ["demand", "rejection"]
    assert list(view(store, filters=sure, reviewed_only=True)["stance"]) == ["rejection"]
    assert store.count_positions(sure) == 1


def test_audit_trail_reads_as_sentences_and_seconds(store):
    import re

    demand = pid(store, "demand")
    review.edit(store, demand, "Ann", {"target": "West"})
    review.reject(store, pid(store, "dialogue"), "Bob", note="not a position")
    shown = review.readable_audit(review.audit_trail(store))
    assert list(shown.columns) == ["when (UTC)", "reviewer", "action", "sentence", "change", "note"]
    assert shown["sentence"].tolist() == [SENTENCES[1], SENTENCES[0]]   # newest first, the sentence not the id
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", w) for w in shown["when (UTC)"])
    assert shown["change"].tolist()[1] == "target: NATO → West" and shown["note"].tolist()[0] == "not a position"
    assert not any(demand in str(v) for v in shown.to_numpy().ravel())
