"""Network: who addresses whom; an arrow per actor, target and stance, as wide as its count."""
import streamlit as st

from core.analysis import views
from core.present import charts
from ui import cache, share, sidebar

st.title("Network")
filters = sidebar.filters()
df = cache.positions(filters)
share.header(filters, df, "network")
if not share.empty_state(filters, df):
    edges = views.network_edges(df)
    if edges.empty:
        st.info("None of these positions names a target, so there is no one to draw arrows to.")
    else:
        st.plotly_chart(charts.network_chart(edges), width="stretch", key="network")
        if len(edges) > 150:
            st.caption(f"Drawing the 150 strongest of {len(edges):,} links.")
        st.dataframe(edges, hide_index=True, width="stretch")
