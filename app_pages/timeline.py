"""Timeline: positions over time, one row per actor (the most active first). A dot per position, coloured by
stance, with the evidence on hover; past a thousand positions, counts per actor and week (or month)."""
import streamlit as st

from core.analysis import views
from core.present import charts
from ui import cache, params, share, sidebar, view

MAX_POINTS = 5000  # a dot per position even when asked (?_draw=points) stops here: more slow the browser down

st.title("Timeline")
filters = sidebar.filters()
df = cache.positions(filters)
n_actors = df["actor"].nunique()
how, many = st.columns([3, 1])
asked = view.pick("Draw", params.DRAW, ("auto", "points", "counts"),
                  {"auto": "automatically", "points": "a dot per position", "counts": "counts per actor and period"},
                  container=how)
top = view.top_count("Actors shown", params.TOP, n_actors, container=many)
shown = share.header(filters, df, "timeline", {**view.current(params.DRAW.name), **view.current(params.TOP.name)})


def drawing(rows, top: int, asked: str) -> dict:
    """The top actors' rows drawn as dots or as counts (charts.timeline_view decides), with what the captions
    say: kept per filter set and choice (ui.cache.derived), so a reload only draws it."""
    actors = views.top_actors(rows, top)
    ours = rows["actor"].isin(actors)
    mine = rows.loc[ours, ["actor", "date", "stance"]]   # cutting every column of 100,000 rows costs 0.1 s
    out = {"actors": actors, "rows": len(mine), "view": charts.timeline_view(mine, asked)}
    if out["view"] == "counts":
        freq = views.timeline_freq(mine)
        title = f"Positions per actor and {charts.PERIOD_WORDS[freq]}"
        return {**out, "freq": freq, "imprecise": views.imprecise(mine, freq),
                "figure": charts.timeline_heatmap(views.timeline_counts(mine, actors, freq), actors, freq, title)}
    drawn = views.most_recent(rows[ours], MAX_POINTS)
    precision = views.date_precisions(drawn["date"])
    return {**out, "drawn": len(drawn), "hollow": int((precision != "day").sum()),
            "figure": charts.timeline_chart(cache.with_trust(drawn))}


def captions(d: dict) -> None:
    if len(d["actors"]) < n_actors:
        st.caption(f"The {len(d['actors']):,} most active of {n_actors:,} actors ({d['rows']:,} of {len(df):,} "
                   "positions); raise “Actors shown” to see more.")
    if d["view"] == "counts":
        period = charts.PERIOD_WORDS[d["freq"]]
        st.caption(f"Counts per {period}: as dots, these {d['rows']:,} positions would hide one another (over "
                   f"{charts.TIMELINE_DENSE_AT:,} dots, or over half of them on another). Hover a cell for its "
                   "stances; choose “a dot per position” to see each one.")
        if d["imprecise"]:
            st.caption(f"{d['imprecise']:,} positions dated only to a {'month or a year' if period == 'week' else 'year'}"
                       f" have no {period} and are not counted here; “a dot per position” draws them.")
        return
    if d["drawn"] < d["rows"]:
        st.caption(f"Drawing the {d['drawn']:,} most recent of {d['rows']:,} positions; narrow the filters or "
                   "draw counts to see all.")
    if d["hollow"]:
        st.caption(f"Hollow marks: {d['hollow']:,} positions dated only to a month (○) or a year (◇), drawn in "
                   "the middle of it; the hover says which.")
    st.caption("Drag to zoom, double-click to reset; click a stance in the legend to hide it.")


if not share.empty_state(filters, df):
    d = cache.derived(f"timeline:{top}:{asked}", filters, lambda rows: drawing(rows, top, asked))
    share.chart(shown, d["figure"], key="timeline")
    captions(d)
