"""Shift detection on position lines written for the test (never gold answers)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from core.analysis.shifts import RULES_EXPLAINED, detect_shifts, lines_summary, load_rules, position_line, rules_table
from core.rules.datafiles import DataFileError
from core.schema import positions_frame

SENTENCES = {
    "demand": "Moscow demanded that NATO halt its expansion.",
    "concession": "Moscow said it might drop its demand on NATO expansion.",
    "dialogue": "Moscow said it was ready to continue talks with NATO.",
    "rejection": "Moscow rejected the NATO proposal out of hand.",
    "warning": "Moscow warned NATO against further expansion.",
    "accusation": "Moscow accused NATO of stoking tensions.",
    "support": "Moscow backed Belarus in the dispute.",
    "assertion": "Moscow said its position on NATO was well known.",
    "denial": "Moscow denied any plans to attack.",
}


def line(*steps, actor="Russia", issue="nato_enlargement", target="NATO"):
    """Rows from (date, stance) or (date, stance, sentence) steps, one article each."""
    rows = []
    for n, step in enumerate(steps):
        date, stance, *sentence = step
        text = sentence[0] if sentence else SENTENCES[stance]
        rows.append(dict(article_id=f"art{n}", sentence=text, char_start=0, char_end=len(text), actor=actor,
                         target=target, stance=stance, issue=issue, date=date,
                         date_precision="day" if len(date) == 10 else "month", hedged=False, confidence=0.5))
    return positions_frame(rows)


def kinds(df, **kw):
    return list(detect_shifts(df, **kw)["kind"])


@pytest.mark.parametrize("before, after, kind", [
    ("demand", "concession", "softened"),
    ("demand", "dialogue", "softened"),
    ("rejection", "dialogue", "opened"),
    ("rejection", "concession", "opened"),
    ("concession", "rejection", "backtracked"),
    ("concession", "warning", "backtracked"),
    ("concession", "demand", "backtracked"),
    ("dialogue", "rejection", "closed"),
    ("demand", "warning", "escalated"),
    ("accusation", "warning", "escalated"),
    ("demand", "demand", None),
    ("dialogue", "concession", None),
    ("warning", "warning", None),            # no sharper words: a repeated warning is no shift
    ("rejection", "accusation", None),
])
def test_each_pair(before, after, kind):
    found = kinds(line(("2022-01-10", before), ("2022-02-01", after)))
    assert found == ([kind] if kind else [])


def test_warning_escalates_only_with_new_cue_words():
    sharper = "Moscow warned of a military-technical response if NATO expands."
    assert kinds(line(("2022-01-10", "warning"), ("2022-01-20", "warning", sharper))) == ["escalated"]
    # the cue word was already in the earlier warning: nothing new
    assert kinds(line(("2022-01-10", "warning", sharper), ("2022-01-20", "warning", sharper))) == []
    # "warned" must not count as the cue "war"
    assert kinds(line(("2022-01-10", "warning"), ("2022-01-20", "warning", "Moscow warned NATO again."))) == []


def test_same_day_is_never_a_shift():
    # a conditional offer gives a dialogue and a demand in one sentence on one day
    assert kinds(line(("2022-01-10", "demand"), ("2022-01-10", "dialogue"))) == []


def test_restating_the_earlier_stance_the_same_day_is_not_softening():
    # Russia demands on the 10th; on the 20th it offers talks *and* demands again: it holds both
    df = line(("2022-01-10", "demand"), ("2022-01-20", "dialogue"), ("2022-01-20", "demand"))
    assert kinds(df) == []
    # an escalation adds a threat to what is still demanded: it needs no dropping
    df = line(("2022-01-10", "demand"), ("2022-01-20", "warning"), ("2022-01-20", "demand"))
    assert kinds(df) == ["escalated"]


def test_positions_half_a_year_apart_are_background_not_a_move():
    assert kinds(line(("2021-01-10", "demand"), ("2021-07-10", "dialogue"))) == ["softened"]  # 181 days
    assert kinds(line(("2014-09", "demand"), ("2021-12-01", "dialogue"))) == []


def test_unrelated_stances_do_not_break_a_shift():
    df = line(("2022-01-10", "demand"), ("2022-01-15", "support"), ("2022-01-20", "assertion"),
              ("2022-02-01", "dialogue"))
    shifts = detect_shifts(df)
    assert list(shifts["kind"]) == ["softened"]
    assert shifts.loc[0, "from_date"] == "2022-01-10" and shifts.loc[0, "to_date"] == "2022-02-01"


def test_a_long_line_gives_each_move():
    df = line(("2022-01-01", "demand"), ("2022-01-05", "demand"), ("2022-01-10", "dialogue"),
              ("2022-01-20", "rejection"), ("2022-02-01", "dialogue"), ("2022-02-10", "concession"),
              ("2022-02-20", "warning"))
    assert kinds(df) == ["softened", "closed", "opened", "backtracked"]


def test_evidence_of_both_sides_is_carried():
    shift = detect_shifts(line(("2022-01-10", "demand"), ("2022-02-01", "concession"))).iloc[0]
    assert shift["from_sentence"] == SENTENCES["demand"]
    assert shift["to_sentence"] == SENTENCES["concession"]
    assert (shift["from_article_id"], shift["to_article_id"]) == ("art0", "art1")
    assert shift["rule_id"] == "softened-demand" and shift["days"] == 22
    assert shift["explain"]


def test_month_date_is_not_before_a_day_in_that_month():
    assert kinds(line(("2021-12", "demand"), ("2021-12-14", "dialogue"))) == []
    assert kinds(line(("2021-12", "demand"), ("2022-01-14", "dialogue"))) == ["softened"]


def test_a_line_is_per_actor_and_issue_whatever_the_target():
    # Ukraine urges NATO to keep the door open, then offers Russia to give up joining: softened
    df = line(("2022-01-10", "demand"), ("2022-02-01", "concession"), actor="Ukraine")
    df.loc[1, "target"] = "Russia"
    assert kinds(df) == ["softened"]
    other_issue = line(("2022-01-10", "demand")).assign(issue="sanctions")
    other_actor = line(("2022-02-01", "dialogue"), actor="NATO")
    assert kinds(pd.concat([other_issue, other_actor], ignore_index=True)) == []


def test_many_reports_of_one_statement_give_one_shift():
    df = line(("2022-01-10", "demand"), ("2022-01-10", "demand"), ("2022-01-11", "demand"),
              ("2022-02-01", "dialogue"))
    assert kinds(df) == ["softened"]
    # without grouping the later dialogue still follows only the latest earlier date
    assert kinds(df, group=False) == ["softened"]


def test_position_line_and_summary():
    df = line(("2022-02-01", "dialogue"), ("2022-01-10", "demand"), ("2022-01-12", "demand"))
    assert list(position_line(df, "Russia", "nato_enlargement")["stance"]) == ["demand", "demand", "dialogue"]
    summary = lines_summary(df).iloc[0]
    assert summary["sequence"] == "demand → dialogue" and summary["positions"] == 3


def test_rule_table_is_valid_data_and_explained():
    rules = load_rules()
    assert {r.kind for r in rules} == {"softened", "opened", "backtracked", "closed", "escalated"}
    assert len({r.id for r in rules}) == len(rules)
    assert list(rules_table()["rule"]) == [r.id for r in rules]
    assert "same day" in RULES_EXPLAINED and "rule table" in RULES_EXPLAINED


def test_a_broken_rule_names_file_and_line(tmp_path):
    path = tmp_path / "rules.jsonl"
    good = {"id": "ok", "kind": "softened", "from": ["demand"], "to": ["dialogue"], "explain": "x"}
    bad = {"id": "bad", "kind": "softened", "from": ["demnd"], "to": ["dialogue"], "explain": "x"}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(DataFileError, match=r"rules.jsonl:2.*demnd"):
        load_rules(str(path))


def test_empty_input():
    assert detect_shifts(positions_frame([])).empty
    assert lines_summary(positions_frame([])).empty
