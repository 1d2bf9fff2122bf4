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


def chart(rows):
    """(points drawn, the figure): kept per filter set (ui.cache.derived), so a reload only draws it."""
    shown = views.most_recent(rows, MAX_POINTS)
    return len(shown), charts.timeline_chart(cache.with_trust(shown))


if not share.empty_state(filters, df):
    drawn, figure = cache.derived("timeline", filters, chart)
    if drawn < len(df):
        st.caption(f"Drawing the {drawn:,} most recent of {len(df):,} positions; narrow the filters to see all.")
    st.plotly_chart(figure, width="stretch", key="timeline")
    st.caption("Drag to zoom, double-click to reset; click a stance in the legend to hide it.")
