"""Positions: the filtered rows as a table, newest first, each leading to its article."""
import streamlit as st

from core import views
from core.filters import query_string
from ui import cache, share, sidebar

TABLE_ROWS = 1000  # the browser table stays quick; the downloads hold every row

st.title("Positions")
filters = sidebar.filters()
df = cache.positions(filters)
share.header(filters, df, "positions")
if not share.empty_state(filters, df):
    shown = views.most_recent(df, TABLE_ROWS)
    table = shown.assign(article=[f"/articles{query_string(filters, {'_article': a})}" for a in shown["article_id"]])
    if len(df) > TABLE_ROWS:
        st.caption(f"The table lists the {TABLE_ROWS:,} most recent; the downloads hold all {len(df):,}.")
    st.dataframe(
        table[["date", "actor", "stance", "target", "issue", "speaker", "sentence", "outlet", "article"]],
        hide_index=True, width="stretch", height=640,
        column_config={
            "article": st.column_config.LinkColumn("article", display_text="open", help="The article, highlighted"),
            "sentence": st.column_config.TextColumn("evidence sentence", width="large"),
        },
    )
