"""The negotiation board's logic (core.analysis.negotiation) on hand-written moves."""
from __future__ import annotations

import pandas as pd
import pytest

from core.analysis import negotiation as N

WEST = N.PRESETS["NATO + United States + West"]


def moves(*specs) -> pd.DataFrame:
    """(id, actor, stance, target, date) on one issue, as query_positions-like rows."""
    return pd.DataFrame([dict(position_id=pid, article_id="a", sentence=f"Sentence {pid}.", actor=actor,
                              stance=stance, target=target, issue="nato_enlargement", date=date, outlet="Wire")
                         for pid, actor, stance, target, date in specs])


DF = pd.concat([moves(
    ("d1", "Russia", "demand", "NATO", "2021-12-17"),
    ("r1", "United States", "rejection", "Russia", "2021-12-20"),
    ("c1", "NATO", "dialogue", None, "2021-12-21"),
    ("x1", "Ukraine", "rejection", "Russia", "2021-12-22"),       # not on either side
    ("u1", "United States", "rejection", "Ukraine", "2021-12-23"),  # addressed to someone else
    ("d2", "Russia", "demand", "United States", "2022-01-10"),
    ("r2", "NATO", "rejection", "Russia", "2022-01-12"),
    ("a1", "Russia", "accusation", "NATO", "2022-01-13"),
    ("d3", "NATO", "demand", "Russia", "2022-01-14"),
    ("r3", "Russia", "rejection", "NATO", "2022-01-15"),
    ("late", "NATO", "concession", "Russia", "2022-06-01"),       # more than REPLY_DAYS after d2
), moves(("other", "Russia", "demand", "NATO", "2022-01-11")).assign(issue="sanctions")], ignore_index=True)


def test_parse_side_reads_repeats_comma_lists_and_preset_names():
    assert N.parse_side(["NATO", "United States,West", "NATO"]) == WEST
    assert N.parse_side("NATO + United States + West") == WEST
    assert N.parse_side(" Russia ") == ("Russia",)
    assert N.parse_side(None) == () and N.parse_side(["", " , "]) == ()
    assert N.side_label(("West", "NATO", "United States")) == "NATO + United States + West"
    assert N.side_label(("Russia", "Belarus")) == "Russia + Belarus"


def test_board_holds_every_move_of_both_sides_in_time_order():
    b = N.board(DF, "nato_enlargement", ("Russia",), WEST)
    assert b["move_id"].tolist() == ["d1", "r1", "c1", "u1", "d2", "r2", "a1", "d3", "r3", "late"]
    assert set(b.loc[b["lane"] == "A", "actor"]) == {"Russia"}
    assert set(b.loc[b["lane"] == "B", "actor"]) == {"NATO", "United States"}
    assert set(b.loc[b["lane"] == "B", "side"]) == {"NATO + United States + West"}


def test_an_actor_on_both_sides_stays_on_side_a():
    b = N.board(DF, "nato_enlargement", ("Russia", "NATO"), WEST)
    assert set(b.loc[b["lane"] == "B", "actor"]) == {"United States"}


def test_each_demand_is_paired_with_the_other_sides_next_answers():
    b = N.board(DF, "nato_enlargement", ("Russia",), WEST)
    pairs = N.replies(b)
    got = {d: g["reply_id"].tolist() for d, g in pairs.groupby("demand_id", sort=False)}
    # d1: the US rejection and NATO's offer to talk; not Ukraine's (no side), not the US rejection of Ukraine
    assert got["d1"] == ["r1", "c1"]
    # d2: NATO's rejection and its counter-demand (a reply); Russia's own accusation is no answer,
    # the June concession is too late
    assert got["d2"] == ["r2", "d3"]
    kinds = pairs.set_index("reply_id")["kind"]
    assert (kinds["r1"], kinds["c1"], kinds["d3"]) == ("rejection", "reply", "reply")
    # NATO's own demand is answered by Russia, under side A
    assert got["d3"] == ["r3"]
    assert pairs.set_index("demand_id").loc["d3", "lane"] == "B"
    assert pairs.set_index("reply_id").loc["r1", "days"] == 3


def test_a_united_states_rejection_is_never_a_russian_answer():
    b = N.board(DF, "nato_enlargement", ("Russia",), WEST)
    pairs = N.replies(b)
    russia_answers = pairs[pairs["lane"] == "B"]["reply_id"]   # answers to side B's demands come from side A
    actors = b.set_index("move_id").loc[russia_answers, "actor"]
    assert set(actors) == {"Russia"}
    assert "r1" not in set(russia_answers)
    assert b.set_index("move_id").loc["r1", "lane"] == "B"


def test_a_later_demand_opens_its_own_exchange():
    df = moves(("d1", "Russia", "demand", "NATO", "2022-01-01"), ("d2", "Russia", "demand", "NATO", "2022-01-05"),
               ("r", "NATO", "rejection", "Russia", "2022-01-06"))
    pairs = N.replies(N.board(df, "nato_enlargement", ("Russia",), ("NATO",)))
    assert pairs["demand_id"].tolist() == ["d2"]


def test_a_month_date_demand_waits_its_whole_month():
    df = moves(("d", "Russia", "demand", "NATO", "2021-12"), ("r", "NATO", "rejection", "Russia", "2022-01-20"))
    pairs = N.replies(N.board(df, "nato_enlargement", ("Russia",), ("NATO",)))
    assert pairs["reply_id"].tolist() == ["r"] and pairs["days"].tolist() == [20]


def test_default_sides_are_presets_of_the_most_active_actors():
    assert N.default_sides(DF, "nato_enlargement") == (("Russia",), WEST)
    assert N.default_sides(DF.iloc[0:0], "nato_enlargement") == ((), ())


@pytest.mark.parametrize("asked, expected", [(None, (1, 3)), ("2", (2, 3)), ("9", (3, 3)), ("0", (1, 3)),
                                             ("x", (1, 3))])
def test_pages_are_held_in_range(asked, expected):
    assert N.page_of(45, asked, size=20) == expected


def test_empty_board_has_no_pairs():
    b = N.board(DF, "sanctions", ("Ukraine",), ("European Union",))
    assert b.empty and N.replies(b).empty


def test_board_chart_draws_two_lanes_coloured_by_stance():
    from core.present import charts
    from core.present.colors import stance_color

    b = N.board(DF, "nato_enlargement", ("Russia",), WEST)
    fig = charts.negotiation_chart(b)
    assert {y for t in fig.data for y in t.y} == {"Russia", "NATO + United States + West"}
    assert sum(len(t.x) for t in fig.data) == len(b)
    assert all(t.marker.color == stance_color(t.name) for t in fig.data)


def test_reports_of_one_statement_are_one_move():
    df = pd.concat([DF, moves(("d1-bis", "Russia", "demand", "NATO", "2021-12-18")).assign(
        sentence="Sentence d1.", outlet="Other Post")], ignore_index=True)
    reports = N.board(df, "nato_enlargement", ("Russia",), WEST)
    assert (reports["move_id"].isin(["d1", "d1-bis"])).sum() == 2
    b = N.board(df, "nato_enlargement", ("Russia",), WEST, statements=True)
    first = b.set_index("move_id").loc["d1"]
    assert "d1-bis" not in set(b["move_id"]) and first["n_reports"] == 2
    assert first["outlets"] == ["Other Post", "Wire"]
    assert N.replies(b).groupby("demand_id")["reply_id"].apply(list)["d1"] == ["r1", "c1"]


def test_weekly_counts_count_each_lane_and_stance_per_week():
    b = N.board(pd.concat([DF, moves(("undated", "Russia", "demand", "NATO", None))], ignore_index=True),
                "nato_enlargement", ("Russia",), WEST)
    counts = N.weekly_counts(b)
    assert counts["count"].sum() == len(b) - 1   # the undated move has no week
    # the week of Monday 2021-12-20: the US rejection and NATO's offer to talk (side B), nothing of Russia's
    week = counts[counts["week"] == pd.Timestamp("2021-12-20")]
    assert set(week["lane"]) == {"B"} and week.set_index("stance")["count"].to_dict() == {"rejection": 2,
                                                                                         "dialogue": 1}
    assert (week["total"] == 3).all() and set(week["side"]) == {"NATO + United States + West"}
    # the week of 2022-01-10 (to Sunday the 16th): Russia's demand, accusation and rejection, NATO's rejection and
    # demand
    jan = counts[counts["week"] == pd.Timestamp("2022-01-10")].set_index(["lane", "stance"])["count"].to_dict()
    assert jan == {("A", "demand"): 1, ("A", "accusation"): 1, ("A", "rejection"): 1, ("B", "rejection"): 1,
                   ("B", "demand"): 1}


def test_a_board_is_dense_above_its_limit():
    b = N.board(DF, "nato_enlargement", ("Russia",), WEST)
    assert not N.is_dense(b) and N.is_dense(b, limit=len(b) - 1) and not N.is_dense(b, limit=len(b))


def test_dense_board_chart_counts_side_a_up_and_side_b_down():
    from core.present import charts
    from core.present.colors import stance_color

    b = N.board(DF, "nato_enlargement", ("Russia",), WEST)
    fig = charts.negotiation_counts_chart(N.weekly_counts(b), "Russia and NATO")
    assert fig.layout.barmode == "relative"
    heights = [(t.name, y) for t in fig.data for y in t.y]
    assert sum(abs(y) for _, y in heights) == len(b)   # every dated move counted once
    assert all(t.marker.color == stance_color(t.name) for t in fig.data)
    assert {t.name for t in fig.data if min(t.y) < 0} == {"rejection", "dialogue", "demand", "concession"}  # side B
    assert [n for n in (t.name for t in fig.data if t.showlegend is not False)].count("demand") == 1
    assert all(int(label) >= 0 for label in fig.layout.yaxis.ticktext)   # side B's counts read as counts
    assert "of %{customdata[1]} moves" in fig.data[0].hovertemplate
    assert "NATO + United States + West" in " ".join(t.hovertemplate for t in fig.data)


def test_dense_chart_escapes_side_names():
    from core.present import charts

    counts = pd.DataFrame({"week": [pd.Timestamp("2022-01-10")] * 2, "lane": ["A", "B"],
                           "side": ["<b>A</b>", "B"], "stance": ["demand", "rejection"], "count": [1, 2],
                           "total": [1, 2]})
    fig = charts.negotiation_counts_chart(counts)
    assert "<b>A</b>" not in fig.data[0].hovertemplate and "&lt;b&gt;A" in fig.data[0].hovertemplate
    assert "&lt;b&gt;A" in fig.layout.yaxis.title.text
