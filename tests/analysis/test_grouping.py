"""Same statement, many reports: which positions core.analysis.grouping puts together, and why."""
from __future__ import annotations

import pandas as pd
import pytest

from core.analysis.grouping import (
    GroupingRule,
    assign_statements,
    count,
    days_apart,
    same_statement,
    statements,
    with_statements,
)
from core.schema import positions_frame

LAVROV = "Lavrov said Moscow would not allow endless negotiations on questions that demand a solution today."


def row(pid, **over) -> dict:
    base = dict(position_id=pid, article_id=f"a-{pid}", sentence=LAVROV, char_start=0, char_end=len(LAVROV),
                actor="Russia", speaker="Sergei Lavrov", target="West", stance="warning", issue="negotiations",
                date="2022-02-14", date_precision="day", hedged=False, quote=None, confidence=0.8,
                outlet=f"outlet-{pid}")
    base.update(over)
    return base


def frame(rows: list[dict]) -> pd.DataFrame:
    df = positions_frame(rows)
    df["position_id"] = [r["position_id"] for r in rows]
    df["outlet"] = [r["outlet"] for r in rows]
    return df


@pytest.mark.parametrize("a, b, days", [
    ("2022-02-14", "2022-02-14", 0),
    ("2022-02-14", "2022-02-17", 3),
    ("2022-02-17", "2022-02-14", 3),
    ("2021-12", "2021-12-14", 0),      # a month-precision date spans its month
    ("2021-12", "2022-01-02", 2),
    ("2022", "2022-06-01", 0),
    ("not a date", "2022-02-14", None),
])
def test_days_apart(a, b, days):
    assert days_apart(a, b) == days


@pytest.mark.parametrize("change, same", [
    ({}, True),
    ({"sentence": "“We will not allow endless negotiations on questions that demand a solution today,” Lavrov said."}, True),
    ({"date": "2022-02-17"}, True),             # three days later: still the same statement
    ({"date": "2022-02-18"}, False),            # four days: a new statement
    ({"actor": "NATO"}, False),
    ({"stance": "demand"}, False),
    ({"issue": "sanctions"}, False),
    ({"target": None}, False),                  # missing target only matches missing target
    ({"sentence": "Moscow demanded that NATO halt its expansion and withdraw its troops from Romania."}, False),
])
def test_same_statement(change, same):
    assert same_statement(row("1"), row("2", **change)) is same


def test_quotes_compared_when_both_have_one():
    a = row("1", sentence="Lavrov told reporters: “Endless talks are not acceptable to us.”",
            quote="Endless talks are not acceptable to us.")
    b = row("2", sentence="In a long interview broadcast on Monday the minister returned to the theme.",
            quote="Endless talks are not acceptable to us.")
    assert same_statement(a, b)


def test_three_outlets_one_statement_one_other():
    df = frame([
        row("p1", outlet="TASS"),
        row("p2", outlet="Reuters", sentence="Russia will not allow endless negotiations on questions that demand a solution today, Lavrov said."),
        row("p3", outlet="TASS", date="2022-02-15"),
        row("p4", outlet="BBC", stance="demand", sentence="Moscow demanded that NATO halt its expansion."),
    ])
    grouped = assign_statements(df)
    ids = dict(zip(grouped["position_id"], grouped["statement_id"], strict=True))
    assert ids["p1"] == ids["p2"] == ids["p3"] == "s:p1"
    assert ids["p4"] == "s:p4"
    assert count(df) == {"statements": 2, "reports": 4}

    table = statements(df).set_index("statement_id")
    assert table.loc["s:p1", "n_reports"] == 3
    assert table.loc["s:p1", "outlets"] == ["Reuters", "TASS"]
    assert table.loc["s:p1", "report_keys"] == ["p1", "p2", "p3"]
    assert table.loc["s:p4", "outlets"] == ["BBC"]

    rows = with_statements(df).set_index("position_id")  # every report kept, with its statement's outlets
    assert len(rows) == 4 and rows.loc["p2", "n_reports"] == 3
    assert rows.loc["p2", "statement_outlets"] == ["Reuters", "TASS"]


def test_statement_lists_in_date_order_blank_outlets_left_out_undated_last():
    df = frame([
        row("p1", outlet="TASS", article_id="a-late", date="2022-02-16"),
        row("p2", outlet="", article_id="a-early", date="2022-02-14"),
        row("p3", outlet="BBC", article_id="a-late", date="2022-02-15"),
        row("p4", stance="demand", date=None, sentence="Moscow demanded that NATO halt its expansion."),
        row("p5", stance="rejection", date="2021-01-01", sentence="Kyiv rejected the plan outright."),
    ])
    table = statements(df)
    assert table["statement_id"].tolist() == ["s:p5", "s:p1", "s:p4"]   # by first report's date, undated last
    first = table.set_index("statement_id").loc["s:p1"]                   # named by its smallest report key
    assert first["n_reports"] == 3 and first["date"] == "2022-02-14"      # the earliest report's fields
    assert first["outlets"] == ["BBC", "TASS"]                            # sorted, the blank one left out
    assert first["article_ids"] == ["a-early", "a-late"]                  # distinct, in date order
    assert first["report_keys"] == ["p2", "p3", "p1"]                     # every report, in date order

    only = statements(df, lists=("outlets",))                             # callers ask for what they read
    assert "outlets" in only.columns and "report_keys" not in only.columns and "article_ids" not in only.columns
    assert only["outlets"].tolist() == table["outlets"].tolist()


def test_single_link_chains_within_the_window_only():
    df = frame([row("p1", date="2022-02-10"), row("p2", date="2022-02-13"), row("p3", date="2022-02-16"),
                row("p4", date="2022-02-25")])
    ids = assign_statements(df).set_index("position_id")["statement_id"]
    assert ids["p1"] == ids["p2"] == ids["p3"] != ids["p4"]


def test_rule_is_a_parameter():
    df = frame([row("p1"), row("p2", date="2022-02-20")])
    assert count(df)["statements"] == 2
    assert count(df, GroupingRule(max_days=7))["statements"] == 1


def test_empty_and_no_position_id():
    assert count(positions_frame([])) == {"statements": 0, "reports": 0}
    assert "statement_id" in assign_statements(positions_frame([])).columns
    df = positions_frame([row("x"), row("y")])  # no position_id column: article and offset name a report
    assert count(df) == {"statements": 1, "reports": 2}


def _brute_force_ids(df: pd.DataFrame) -> list[str]:
    """statement_id by the definition: same_statement on every pair, single-link, smallest key."""
    recs = df.to_dict("records")
    group = list(range(len(recs)))
    for i in range(len(recs)):
        for j in range(i + 1, len(recs)):
            if group[i] != group[j] and same_statement(recs[i], recs[j]):
                old = group[j]
                group = [group[i] if g == old else g for g in group]
    first = {g: min(r["position_id"] for r, h in zip(recs, group, strict=True) if h == g) for g in set(group)}
    return [f"s:{first[g]}" for g in group]


def test_grouping_matches_the_pairwise_rule_on_mixed_dates_and_quotes():
    other = "Moscow offered talks on missile deployments in Europe."
    specs = [("2022-02-14", None, LAVROV), ("2022-02", None, LAVROV), ("2022-02-16", "no endless talks", LAVROV),
             ("2022-02-17", "no endless talks", other), ("2022", None, other), ("2022-03-01", None, LAVROV),
             ("2022-02-28", None, LAVROV), ("bad", None, LAVROV), (None, None, LAVROV), ("2022-02-15", None, other),
             ("2022-02-15", "", "  " + LAVROV + "  "), ("2021-12-31", None, LAVROV)]
    rows = [row(f"p{i:02d}", date=d, quote=q, sentence=s, target="West" if i % 5 else None)
            for i, (d, q, s) in enumerate(specs)]
    df = frame(rows)
    assert assign_statements(df)["statement_id"].tolist() == _brute_force_ids(df)
