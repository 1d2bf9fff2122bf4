"""Chart builders and view shaping: pure functions, checked without Streamlit."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from core.analysis import views
from core.present import charts
from core.present.colors import STANCE_COLORS, stance_color, text_color
from core.schema import STANCES


def rows(*specs) -> pd.DataFrame:
    """(actor, stance, target, issue, date) tuples as query_positions-like rows."""
    out = []
    for i, (actor, stance, target, issue, date) in enumerate(specs):
        out.append(dict(article_id=f"a{i % 2}", sentence=f"Sentence <b>{i}</b>.", char_start=i, char_end=i + 1,
                        actor=actor, speaker="Sergei Lavrov" if actor == "Russia" else None, target=target,
                        stance=stance, issue=issue, date=date, outlet="Press TV", title="t"))
    return pd.DataFrame(out)


DF = rows(("Russia", "demand", "NATO", "nato_enlargement", "2021-12"),
          ("Russia", "demand", "NATO", "nato_enlargement", "2022-01-10"),
          ("NATO", "rejection", "Russia", "nato_enlargement", "2022-01-12"),
          ("Ukraine", "concession", "Russia", "nato_enlargement", "2022-02-13"),
          ("Russia", "dialogue", "West", "negotiations", "2022-02-14"),
          ("Russia", "warning", None, "invasion_war", "2022"),
          ("United States", "warning", "Russia", "sanctions", "2022-02-01"))


def colours_of(fig: go.Figure) -> dict[str, str]:
    out = {}
    for t in fig.data:
        if t.name in STANCE_COLORS:
            c = t.marker.color if t.type == "bar" or t.mode and "markers" in t.mode else t.line.color
            out[t.name] = c
    return out


def test_every_stance_has_one_distinct_colour():
    assert set(STANCE_COLORS) == set(STANCES)
    assert len(set(STANCE_COLORS.values())) == len(STANCES)
    assert stance_color("nonsense") not in STANCE_COLORS.values()


@pytest.mark.parametrize("stance, ink", [("support", "#FFFFFF"), ("denial", "#000000"), ("dialogue", "#000000")])
def test_text_on_a_stance_colour_stays_readable(stance, ink):
    assert text_color(stance) == ink


def test_date_values_plot_any_precision():
    got = views.date_values(pd.Series(["2021-12", "2022", "2022-02-14", None, "bad"]))
    assert list(got[:3]) == [pd.Timestamp("2021-12-01"), pd.Timestamp("2022-01-01"), pd.Timestamp("2022-02-14")]
    assert got[3:].isna().all()


def test_stance_mix_counts_per_month_and_chart_uses_fixed_colours():
    mix = views.stance_mix(DF)
    dec = mix[mix["period"] == pd.Timestamp("2021-12-01")]
    assert dec[["stance", "count"]].values.tolist() == [["demand", 1]]
    assert mix["count"].sum() == len(DF)
    fig = charts.stance_mix_chart(mix)
    assert fig.layout.barmode == "stack"
    assert colours_of(fig) == {s: STANCE_COLORS[s] for s in set(DF["stance"])}
    assert [t.name for t in fig.data] == [s for s in STANCES if s in set(DF["stance"])]  # contract order


def test_stance_mix_of_nothing_is_an_empty_chart():
    fig = charts.stance_mix_chart(views.stance_mix(DF.iloc[0:0]))
    assert len(fig.data) == 0


def test_timeline_one_row_per_actor_and_hover_carries_the_evidence():
    fig = charts.timeline_chart(DF)
    actors = {y for t in fig.data for y in t.y}
    assert actors == set(DF["actor"])
    demand = next(t for t in fig.data if t.name == "demand")
    assert demand.marker.color == STANCE_COLORS["demand"]
    assert len(demand.x) == 2
    hover = demand.text[0]
    assert "speaker: Sergei Lavrov" in hover and "outlet: Press TV" in hover
    assert "&lt;b&gt;" in hover  # text from articles is escaped inside plotly's HTML hovers


def test_focus_range_skips_far_older_outliers():
    when = pd.Series(pd.to_datetime(["2014-01-01"] + ["2022-01-15"] * 99))
    lo, hi = charts.focus_range(when)
    assert lo > pd.Timestamp("2021-01-01") and hi > pd.Timestamp("2022-01-15")
    assert charts.focus_range(pd.Series(pd.to_datetime(["2021-12-01", "2022-02-01"]))) is None


def test_ledger_counts_and_latest_stance():
    led = views.ledger(DF)
    cell = led[(led["actor"] == "Russia") & (led["issue"] == "nato_enlargement")].iloc[0]
    assert cell["count"] == 2 and cell["latest_stance"] == "demand" and cell["latest_date"] == "2022-01-10"
    fig = charts.ledger_chart(led)
    texts = sorted(int(x) for t in fig.data for x in t.text)
    assert texts == sorted(led["count"].tolist())
    assert {t.name for t in fig.data} == set(led["latest_stance"])


def test_negotiation_space_puts_demands_against_answers_in_time_order():
    space = views.negotiation_space(DF, "nato_enlargement", "Russia", "NATO")
    assert space["move"].tolist() == ["Russia demands", "Russia demands", "NATO answers"]
    assert space["date"].tolist() == sorted(space["date"].tolist())
    assert views.main_sides(DF, "nato_enlargement") == ["Russia", "NATO"]
    assert views.issues_present(DF) == ["nato_enlargement", "negotiations", "invasion_war", "sanctions"]


def test_network_edges_weighted_by_count_without_self_loops_or_missing_targets():
    df = pd.concat([DF, rows(("Russia", "accusation", "Russia", "other", "2022"))])
    edges = views.network_edges(df)
    first = edges.iloc[0]
    assert (first["actor"], first["target"], first["stance"], first["count"]) == ("Russia", "NATO", "demand", 2)
    assert not ((edges["actor"] == edges["target"]).any())
    assert edges["count"].sum() == DF["target"].notna().sum()
    fig = charts.network_chart(edges)
    lines = [t for t in fig.data if t.name in STANCE_COLORS]
    assert sum(list(t.x).count(None) for t in lines) == len(edges)  # one segment per edge
    assert {t.name for t in lines} == set(edges["stance"])
    widest = max(lines, key=lambda t: t.line.width)
    assert widest.name == "demand" and widest.line.width == pytest.approx(8.0)  # the strongest edge is widest
    assert all(t.line.color == STANCE_COLORS[t.name] for t in lines)
    assert sum(t.showlegend for t in lines) == len(set(edges["stance"]))  # one legend entry per stance
    nodes = next(t for t in fig.data if t.name == "actors")
    assert set(nodes.text) == set(edges["actor"]) | set(edges["target"])


def test_network_of_nothing_is_an_empty_chart():
    assert len(charts.network_chart(views.network_edges(DF.iloc[0:0])).data) == 0


def test_actor_profile_and_its_charts():
    p = views.actor_profile(DF, "Russia")
    assert p["stances"].values.tolist() == [["demand", 2], ["dialogue", 1], ["warning", 1]]
    assert p["demands_of"].values.tolist() == [["NATO", 2]]
    assert p["speakers"].values.tolist() == [["Sergei Lavrov", 4]]
    bar = charts.stance_bar(p["stances"])
    assert list(bar.data[0].marker.color) == [STANCE_COLORS[s] for s in ("demand", "dialogue", "warning")]
    issues = charts.issue_stance_chart(p["issues"])
    assert {t.name for t in issues.data} == {"demand", "dialogue", "warning"}
    assert charts.count_bar(p["demands_of"], "target", "t").data[0].x.tolist() == [2]


def test_count_bar_takes_the_colour_of_the_stance_it_counts():
    # Whom an actor makes demands of: demand's colour, not grey, which is assertion's on every other chart.
    demands_of = views.actor_profile(DF, "Russia")["demands_of"]
    assert charts.count_bar(demands_of, "target", "t", "demand").data[0].marker.color == STANCE_COLORS["demand"]
    assert charts.count_bar(demands_of, "target", "t").data[0].marker.color not in STANCE_COLORS.values()


def test_glance_and_latest():
    g = views.glance(DF)
    assert g == {"articles": 2, "positions": 7, "actors": 4, "outlets": 1, "first": "2021-12", "last": "2022-02-14"}
    assert views.latest(DF, ("demand",), n=1)["date"].tolist() == ["2022-01-10"]
    assert views.most_recent(DF, 2)["date"].tolist() == ["2022-02-14", "2022-02-13"]


def test_known_values_accepts_the_shapes_a_facet_may_take():
    assert views.known_values({"actor": ["A", "B"]}, "actor") == ["A", "B"]
    assert views.known_values({"actor": {"A": 3}}, "actor") == ["A"]
    assert views.known_values({"actor": [("A", 3)]}, "actor") == ["A"]
    assert views.known_values({}, "actor") == []


def test_bar_charts_keep_one_bar_thickness():
    # A filtered profile with one stance must not draw one bar as tall as the whole chart.
    one = pd.DataFrame({"stance": ["demand"], "count": [69]})
    nine = pd.DataFrame({"stance": list(STANCES), "count": range(1, 10)})
    small, big = charts.stance_bar(one).layout.height, charts.stance_bar(nine).layout.height
    assert small < 200 < big
    assert charts.count_bar(pd.DataFrame({"target": ["NATO"], "count": [2]}), "target", "t").layout.height == small
    issues = pd.DataFrame({"issue": ["sanctions"], "stance": ["demand"], "count": [3]})
    assert charts.issue_stance_chart(issues).layout.height == small


def test_network_spreads_the_busiest_actors_around_the_circle():
    # The four busiest actors used to sit side by side at the top, their labels on top of each other.
    import math

    edges = pd.DataFrame({"actor": [f"A{i:02d}" for i in range(20)], "target": ["Hub"] * 20,
                          "stance": ["demand"] * 20, "count": list(range(40, 20, -1))})
    nodes = next(t for t in charts.network_chart(edges).data if t.name == "actors")
    where = dict(zip(nodes.text, zip(nodes.x, nodes.y, strict=True), strict=True))
    busiest = [where[n] for n in ("Hub", "A00", "A01", "A02")]
    assert len(set(where.values())) == 21
    assert min(math.dist(p, q) for i, p in enumerate(busiest) for q in busiest[i + 1:]) > 0.5


def test_a_chart_title_from_the_data_is_text():
    """Plotly draws a subset of HTML (links included) in titles; an actor named with a tag stays text."""
    fig = charts.stance_bar(pd.DataFrame({"stance": ["demand"], "count": [1]}), 'What <a href="https://phish.example">x</a> does')
    assert "<a " not in fig.layout.title.text and "&lt;a href" in fig.layout.title.text


def test_hover_adds_the_trust_word_and_why_when_the_rows_carry_them():
    plain = charts.hover_text(DF.head(1))[0]
    assert "<i>" not in plain
    marked = charts.hover_text(DF.head(1).assign(trust="likely", why='cue "<demanded>"'))[0]
    assert marked.endswith('<i>likely · cue "&lt;demanded&gt;"</i>')


def test_issue_codes_are_drawn_as_words():
    from core.present.labels import issue_label

    assert issue_label("nato_enlargement") == "NATO enlargement" and issue_label("brand_new") == "brand new"
    fig = charts.ledger_chart(views.ledger(DF))
    assert {x for t in fig.data for x in t.x} <= {issue_label(i) for i in DF["issue"]}
    assert "nato_enlargement" not in str(fig.to_dict())
    prof = views.actor_profile(DF, "Russia")
    assert "NATO enlargement" in {y for t in charts.issue_stance_chart(prof["issues"]).data for y in t.y}
    assert "NATO enlargement · month 2021-12" in charts.hover_text(DF.head(1))[0]   # a month is not drawn as a day


def test_ledger_lists_issues_along_the_top_and_the_most_active_actors_first():
    fig = charts.ledger_chart(views.ledger(DF))
    assert fig.layout.xaxis.side == "top"
    assert list(fig.layout.yaxis.categoryarray)[::-1][0] == "Russia"   # drawn top to bottom: most positions first


def test_monthly_bars_span_their_month():
    fig = charts.stance_mix_chart(views.stance_mix(DF))
    assert all(t.xperiod == "M1" and t.xperiodalignment == "middle" for t in fig.data)


def test_compared_profiles_share_one_scale():
    scale = views.profile_scale(DF, ["Russia", "NATO"])
    assert scale == {"stances": 2, "demands_of": 2, "issues": 2, "time": 2}
    a = charts.stance_bar(views.actor_profile(DF, "NATO")["stances"], value_max=scale["stances"])
    b = charts.stance_bar(views.actor_profile(DF, "Russia")["stances"], value_max=scale["stances"])
    assert a.layout.xaxis.range == b.layout.xaxis.range == (0, 2.1)
    assert charts.stance_mix_chart(views.stance_mix(DF), value_max=4).layout.yaxis.range == (0, 4.2)


def test_latest_lists_statements_once_with_the_outlets_that_carried_them():
    df = pd.concat([DF, rows(("Russia", "demand", "NATO", "nato_enlargement", "2022-01-11")).assign(
        sentence="Sentence <b>1</b>.", outlet="Other Post", article_id="a9")], ignore_index=True)
    latest = views.latest_statements(df, ("demand",), n=5)
    assert len(latest) == 2 and latest["date"].tolist() == ["2022-01-10", "2021-12"]  # newest first
    assert latest["n_reports"].tolist() == [2, 1]
    assert latest["outlets"].tolist()[0] == ["Other Post", "Press TV"]
    assert views.latest_statements(df, ("denial",)).empty


def test_one_article_list_for_every_page():
    listed = pd.DataFrame({"article_id": ["a0", "a1", "a2"], "title": ["x", "y", "z"]})
    shown = views.article_list(listed, DF[DF["stance"] == "demand"])
    assert shown["article_id"].tolist() == ["a0", "a1"] and shown["n_positions"].tolist() == [1, 1]
    everything = views.article_list(listed, DF, include_empty=True)
    assert everything["n_positions"].tolist() == [4, 3, 0]
    assert views.article_list(listed, DF.iloc[0:0]).empty


def test_statement_reports_compare_how_each_outlet_carried_it():
    df = pd.concat([
        rows(("Russia", "demand", "NATO", "nato_enlargement", "2022-01-10")).assign(
            position_id="p1", outlet="Wire", published="2022-01-11", sentence="Russia demanded guarantees from NATO.",
            quote=None, confidence=0.9),
        rows(("Russia", "demand", "NATO", "nato_enlargement", "2022-01-11")).assign(
            position_id="p2", outlet="Post", published="2022-01-10", sentence="Russia demanded guarantees from NATO today.",
            quote=None, confidence=0.9),
        rows(("Russia", "demand", "NATO", "nato_enlargement", "2022-03-01")).assign(   # too late: another statement
            position_id="p3", outlet="Late", published="2022-03-01", sentence="Russia demanded guarantees from NATO.",
            quote=None, confidence=0.9),
        rows(("Russia", "demand", None, "nato_enlargement", "2022-01-10")).assign(      # no target: another bucket
            position_id="p4", outlet="Else", published="2022-01-10", sentence="Russia demanded guarantees from NATO.",
            quote=None, confidence=0.9),
    ], ignore_index=True)
    got = views.statement_reports(df, "p1")
    assert got["position_id"].tolist() == ["p2", "p1"]          # earliest published first
    assert got["outlet"].tolist() == ["Post", "Wire"]
    assert got["differs"].tolist() == [[], ["date"]] and got["wording"].tolist()[0] == 100
    assert views.statement_reports(df, "nope").empty


def test_timeline_draws_month_and_year_dates_hollow_in_the_middle_of_their_period():
    fig = charts.timeline_chart(DF)
    demand = next(t for t in fig.data if t.name == "demand")   # 2021-12 (a month) and 2022-01-10 (a day)
    assert list(demand.marker.symbol) == ["circle-open", "circle"]
    assert pd.Timestamp(demand.x[0]) == pd.Timestamp("2021-12-16")   # mid-December, not 1 December
    assert pd.Timestamp(demand.x[1]) == pd.Timestamp("2022-01-10")
    warning = next(t for t in fig.data if t.name == "warning")       # 2022 (a year)
    assert warning.marker.symbol[0] == "diamond-open" and "· year 2022<br>" in warning.text[0]
    assert "· month 2021-12<br>" in demand.text[0] and "· 2022-01-10<br>" in demand.text[1]


def test_timeline_draws_counts_once_dots_would_hide_one_another_unless_asked():
    spread = rows(*[("Russia", "demand", None, "other", f"2022-{m:02d}-{d:02d}") for m in range(1, 13) for d in (1, 15)])
    assert charts.timeline_view(spread) == "points"                       # 24 dots, a fortnight apart
    piled = rows(*[("Russia", "demand", None, "other", "2022-01-10")] * 20, ("Russia", "demand", None, "other", "2022-06-01"))
    assert charts.hidden_share(piled) > 0.9 and charts.timeline_view(piled) == "counts"   # 20 dots on one
    many = rows(*[(f"A{i}", "demand", None, "other", "2022-01-10") for i in range(charts.TIMELINE_DENSE_AT + 1)])
    assert charts.hidden_share(many) == 0 and charts.timeline_view(many) == "counts"     # apart, but too many
    assert charts.timeline_view(piled, "points") == "points" and charts.timeline_view(spread, "counts") == "counts"


def test_top_actors_are_the_most_active_not_the_first_in_the_alphabet():
    df = rows(*[("Zambia", "demand", None, "other", "2022-01-10")] * 3, ("Albania", "demand", None, "other", "2022-01-10"),
              *[("Malta", "demand", None, "other", "2022-01-10")] * 2)
    assert views.top_actors(df, 2) == ["Zambia", "Malta"]
    assert views.top_actors(df, None) == ["Zambia", "Malta", "Albania"]


def test_timeline_heatmap_counts_per_actor_and_week_most_active_at_the_top():
    df = rows(("Russia", "demand", "NATO", "other", "2022-01-10"),     # Monday
              ("Russia", "warning", "NATO", "other", "2022-01-16"),    # Sunday: the same week
              ("Russia", "demand", "NATO", "other", "2022-01-17"),     # the next week
              ("Russia", "demand", "NATO", "other", "2022-01"),        # a month: no week
              ("NATO", "rejection", "Russia", "other", "2022-01-31"),
              ("Ukraine", "demand", "NATO", "other", "2022-01-31"))
    assert views.timeline_freq(df) == "W"
    actors = views.top_actors(df, 2)
    counts = views.timeline_counts(df, actors, "W")
    assert actors == ["Russia", "NATO"]
    assert counts.values.tolist() == [["NATO", pd.Timestamp("2022-01-31"), 1, "1 rejection"],
                                      ["Russia", pd.Timestamp("2022-01-10"), 2, "1 demand, 1 warning"],
                                      ["Russia", pd.Timestamp("2022-01-17"), 1, "1 demand"]]
    assert views.imprecise(df[df["actor"].isin(actors)], "W") == 1
    fig = charts.timeline_heatmap(counts, actors, "W")
    heat = fig.data[0]
    assert list(heat.y) == ["Russia", "NATO"] and fig.layout.yaxis.autorange == "reversed"   # Russia on top
    assert len(heat.x) == 4                          # every week from the first to the last, empty ones too
    assert [list(r) for r in heat.z] == [[2, 1, None, None], [None, None, None, 1]]
    assert heat.customdata[0][0] == "week of 10 Jan 2022" and heat.text[0][0] == "1 demand, 1 warning"


def test_timeline_counts_months_over_a_long_span_and_keeps_year_dates_out():
    df = rows(("Russia", "demand", "NATO", "other", "2020-01-10"), ("Russia", "demand", "NATO", "other", "2022-06-01"),
              ("Russia", "demand", "NATO", "other", "2021-12"), ("Russia", "demand", "NATO", "other", "2021"))
    assert views.timeline_freq(df) == "M"
    counts = views.timeline_counts(df, ["Russia"], "M")
    assert counts["count"].sum() == 3 and views.imprecise(df, "M") == 1
    assert charts.timeline_heatmap(counts, ["Russia"], "M").data[0].customdata[0][0] == "January 2020"


def test_network_names_sit_outside_the_circle_and_every_edge_has_an_arrowhead():
    edges = views.network_edges(DF)
    fig = charts.network_chart(edges)
    arrows = fig.layout.annotations
    assert len(arrows) == len(edges) and all(a.showarrow and a.standoff > 0 for a in arrows)
    heads = {(round(a.x, 6), round(a.y, 6)) for a in arrows}
    nodes = next(t for t in fig.data if t.name == "actors")
    where = {n: (round(x, 6), round(y, 6)) for n, x, y in zip(nodes.text, nodes.x, nodes.y, strict=True)}
    assert heads == {where[t] for t in edges["target"]}               # each arrow points at its target
    assert {a.arrowcolor for a in arrows} == {STANCE_COLORS[s] for s in edges["stance"]}
    for name, pos, x in zip(nodes.text, nodes.textposition, nodes.x, strict=True):
        side = "right" if x > 0.35 else "left" if x < -0.35 else "center"
        assert pos.endswith(side), (name, pos, x)                      # the label faces away from the edges


def test_network_keeps_the_busiest_names_and_the_edges_among_them():
    edges = pd.DataFrame({"actor": ["Russia", "Russia", "NATO", "Malta"], "target": ["NATO", "Ukraine", "Russia", "Russia"],
                          "stance": ["demand", "warning", "rejection", "support"], "count": [5, 2, 3, 1]})
    kept, names = views.network_top(edges, 2)
    assert names == ["Russia", "NATO"]
    assert kept[["actor", "target"]].values.tolist() == [["Russia", "NATO"], ["NATO", "Russia"]]
    assert views.network_top(edges, None)[0].equals(edges)


def test_actor_target_matrix_per_stance():
    edges = pd.DataFrame({"actor": ["Russia", "Russia", "Ukraine", "Russia"], "target": ["NATO", "Ukraine", "NATO", "NATO"],
                          "stance": ["demand", "demand", "demand", "warning"], "count": [5, 1, 2, 4]})
    table = views.actor_target_matrix(edges, "demand")
    assert list(table.index) == ["Russia", "Ukraine"] and list(table.columns) == ["NATO", "Ukraine"]
    assert table.values.tolist() == [[5, 1], [2, 0]]
    assert views.actor_target_matrix(edges).loc["Russia", "NATO"] == 9     # any stance
    fig = charts.matrix_chart(table, "demand")
    heat = fig.data[0]
    assert [list(r) for r in heat.z] == [[5, 1], [2, None]] and heat.texttemplate == "%{z}"   # an empty cell stays blank
    assert heat.colorscale[-1][1] == STANCE_COLORS["demand"] and fig.layout.xaxis.side == "top"
    assert "demand" in heat.hovertemplate


def test_new_charts_keep_names_from_the_data_as_text():
    evil = '<a href="https://phish.example">x</a>'
    edges = pd.DataFrame({"actor": [evil], "target": ["NATO"], "stance": ["demand"], "count": [1]})
    drawn = [charts.network_chart(edges).to_json(), charts.matrix_chart(views.actor_target_matrix(edges)).to_json(),
             charts.timeline_chart(rows((evil, "demand", None, "other", "2022-01-10"))).to_json(),
             charts.timeline_heatmap(pd.DataFrame({"actor": [evil], "period": [pd.Timestamp("2022-01-10")], "count": [1],
                                                   "stances": ["1 demand"]}), [evil], "W").to_json()]
    assert all("<a href" not in d and "&lt;a href" in d for d in drawn)


def test_a_captioned_chart_carries_the_view_sentence_and_leaves_the_cached_one_alone():
    fig = charts.stance_bar(pd.DataFrame({"stance": ["demand"], "count": [1]}))
    sentence = 'Showing 1 position: actor is <b>Russia</b>, text contains "' + "word " * 40 + '".'
    out = charts.captioned(fig, sentence)
    sub = out.layout.title.subtitle.text
    assert sub.startswith("Showing 1 position: actor is &lt;b&gt;Russia&lt;/b&gt;") and "<br>" in sub  # escaped, wrapped
    assert out.layout.title.text == fig.layout.title.text and out.layout.margin.t > fig.layout.margin.t
    assert fig.layout.title.subtitle.text is None                     # the figure a cache holds is unchanged
    assert charts.export_config("parley_timeline_stance-demand")["toImageButtonOptions"]["filename"] == \
        "parley_timeline_stance-demand"


@pytest.mark.parametrize("image_format, options", [
    ("png", {"filename": "parley_timeline", "format": "png", "scale": 2}),
    ("svg", {"filename": "parley_timeline", "format": "svg"}),     # vector: no scale
])
def test_the_chart_toolbar_exports_png_or_svg(image_format, options):
    assert charts.export_config("parley_timeline", image_format)["toImageButtonOptions"] == options


def test_the_chart_toolbar_refuses_a_format_plotly_cannot_draw_in_the_browser():
    with pytest.raises(ValueError, match="png or svg"):
        charts.export_config("parley_timeline", "pdf")


def test_a_year_date_does_not_stretch_the_first_view():
    df = rows(("Russia", "demand", "NATO", "other", "2022-01-10"), ("Russia", "demand", "NATO", "other", "2022-03-01"),
              ("Russia", "warning", "NATO", "other", "2022"))     # drawn in July 2022
    lo, hi = charts.timeline_chart(df).layout.xaxis.range
    assert pd.Timestamp(lo) < pd.Timestamp("2022-01-10") and pd.Timestamp("2022-03-01") < pd.Timestamp(hi) < pd.Timestamp("2022-04-01")
    assert charts.timeline_chart(df.iloc[:2]).layout.xaxis.range is None     # nothing to leave out: plotly's own range


EVIL = "<b>Evil</b><img src=x>"   # an actor or target name as article text may bring it
EVIL_SAFE = "&lt;b&gt;Evil&lt;/b&gt;&lt;img src=x&gt;"


def _strings(value):
    """Every string in a figure's dict (trace data, axis categories, titles, hovers)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        for v in (value.tolist() if hasattr(value, "tolist") else value):
            yield from _strings(v)


def _evil_board() -> pd.DataFrame:
    moves = rows((EVIL, "demand", "NATO", "nato_enlargement", "2022-01-10"),
                 ("NATO", "rejection", EVIL, "nato_enlargement", "2022-01-12"))
    return moves.assign(side=[EVIL, "NATO"], lane=["A", "B"])


@pytest.mark.parametrize("name, build", [
    ("count_bar", lambda: charts.count_bar(pd.DataFrame({"target": [EVIL, "NATO"], "count": [2, 1]}), "target",
                                           "Whom Russia's demands address", stance="demand")),
    ("issue_stance_chart", lambda: charts.issue_stance_chart(
        pd.DataFrame({"issue": [EVIL, "sanctions"], "stance": ["demand", "demand"], "count": [2, 1]}))),
    ("ledger_chart", lambda: charts.ledger_chart(pd.DataFrame({
        "actor": [EVIL, "NATO"], "issue": ["sanctions", EVIL], "count": [2, 1],
        "latest_stance": ["demand", "rejection"], "latest_date": ["2022-01-10", "2022-01-12"]}))),
    ("negotiation_chart", lambda: charts.negotiation_chart(_evil_board())),
    ("timeline_chart", lambda: charts.timeline_chart(_evil_board())),
    ("matrix_chart", lambda: charts.matrix_chart(pd.DataFrame([[2]], index=[EVIL], columns=[EVIL]), "demand")),
])
def test_labels_from_article_text_are_not_drawn_as_markup(name, build):
    # plotly renders a subset of HTML in tick labels, text and hovers: a name is drawn as its characters
    fig = build()
    drawn = list(_strings(fig.to_dict()))
    assert not [s for s in drawn if "<b>Evil" in s or "<img" in s], name
    assert any(EVIL_SAFE in s for s in drawn), name


def test_escaped_categories_still_order_the_axis():
    # the category order names the same (escaped) labels the points carry: the most active actor stays on top
    ledger = pd.DataFrame({"actor": [EVIL, "NATO"], "issue": ["sanctions", "sanctions"], "count": [5, 1],
                           "latest_stance": ["demand", "rejection"], "latest_date": ["2022-01-10", "2022-01-12"]})
    fig = charts.ledger_chart(ledger)
    drawn = {y for t in fig.data for y in t.y}
    assert set(fig.layout.yaxis.categoryarray) == drawn and fig.layout.yaxis.categoryarray[-1] == EVIL_SAFE
    lanes = charts.negotiation_chart(_evil_board())
    assert list(lanes.layout.yaxis.categoryarray) == ["NATO", EVIL_SAFE]
    assert {y for t in lanes.data for y in t.y} == {"NATO", EVIL_SAFE}
