"""Timeline: positions over time, one row per actor, coloured by stance; hover for the evidence."""
import streamlit as st

from core.analysis import views
from core.present import charts
from ui import cache, share, sidebar

MAX_POINTS = 2000  # beyond this the browser slows down; the caption says when points are left out

st.title("Timeline")
filters = sidebar.filters()
df = cache.positions(filters)
share.header(filters, df, "timeline")
if not share.empty_state(filters, df):
    shown = views.most_recent(df, MAX_POINTS)
    if len(shown) < len(df):
        st.caption(f"Drawing the {len(shown):,} most recent of {len(df):,} positions; narrow the filters to see all.")
    st.plotly_chart(charts.timeline_chart(cache.with_trust(shown)), width="stretch", key="timeline")
    st.caption("Drag to zoom, double-click to reset; click a stance in the legend to hide it.")
