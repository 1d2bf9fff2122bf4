"""Network: who addresses whom among the most active actors, an arrow per actor, target and stance, as wide
as its count; beside it the same counts as an actor × target matrix for one stance, easier to read exactly."""
import streamlit as st

from core.analysis import views
from core.present import charts
from core.schema import STANCES
from ui import cache, params, share, sidebar, view

LINKS_KEY = "network_links"   # the "Every link as a table" expander: open or closed
st.title("Network")
filters = sidebar.filters()
df = cache.positions(filters)
edges = cache.derived("network:edges", filters, views.network_edges)
names = set(edges["actor"]) | set(edges["target"])
top = view.top_count("Actors shown", params.TOP, len(names), container=st.columns([1, 3])[0])
shown = share.header(filters, df, "network", {**view.current(params.TOP.name), **view.current(params.MATRIX_STANCE.name)})


def graph(top: int):
    """The top names' edges, those names and their chart: kept per filter set and `top` (ui.cache.derived)."""
    kept, busiest = views.network_top(edges, top)
    return kept, busiest, None if kept.empty else charts.network_chart(kept)


def matrix(kept) -> None:
    stances = [s for s in STANCES if s in set(kept["stance"])]
    stance = view.pick("Stance", params.MATRIX_STANCE, ("any", *stances), {"any": "any stance"})
    one = None if stance == "any" else stance
    title = f"Who addresses whom: {'positions' if one is None else one + ' positions'}, actor (row) → target (column)"
    figure = cache.derived(f"network:matrix:{top}:{stance}", filters,
                           lambda _rows: charts.matrix_chart(views.actor_target_matrix(kept, one), one, title))
    share.chart(shown, figure, key="matrix")


if not share.empty_state(filters, df):
    kept, busiest, figure = cache.derived(f"network:{top}", filters, lambda _rows: graph(top))
    if edges.empty:
        st.info("None of these positions names a target, so there is no one to draw arrows to.")
    else:
        if len(busiest) < len(names):
            st.caption(f"The {len(busiest):,} most active of {len(names):,} actors and targets (by positions "
                       f"addressed and received): {len(edges) - len(kept):,} of {len(edges):,} links left out; raise "
                       "“Actors shown” to see more.")
        if figure is not None:
            share.chart(shown, figure, key="network")
            if len(kept) > charts.MAX_EDGES:
                st.caption(f"Drawing the {charts.MAX_EDGES} strongest of {len(kept):,} links; the matrix below "
                           "counts every one.")
        st.subheader("As a matrix")
        matrix(kept)
        with share.folded("Every link as a table", LINKS_KEY) as opened:
            if opened:
                st.dataframe(edges, hide_index=True, width="stretch")
