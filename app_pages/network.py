"""Network: who addresses whom; an arrow per actor, target and stance, as wide as its count."""
import streamlit as st

from core.analysis import views
from core.present import charts
from ui import cache, share, sidebar

st.title("Network")
filters = sidebar.filters()
df = cache.positions(filters)
share.header(filters, df, "network")


def edges_and_chart(rows):
    """The edges and their chart: kept per filter set (ui.cache.derived), so a reload only draws them."""
    edges = views.network_edges(rows)
    return edges, None if edges.empty else charts.network_chart(edges)


if not share.empty_state(filters, df):
    edges, figure = cache.derived("network", filters, edges_and_chart)
    if edges.empty:
        st.info("None of these positions names a target, so there is no one to draw arrows to.")
    else:
        st.plotly_chart(figure, width="stretch", key="network")
        if len(edges) > 150:
            st.caption(f"Drawing the 150 strongest of {len(edges):,} links.")
        st.dataframe(edges, hide_index=True, width="stretch")
