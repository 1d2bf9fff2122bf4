"""Positions: the filtered rows as a table, newest first, each leading to its article."""
import streamlit as st

from core import views
from core.filters import count_phrase, query_string
from ui import cache, reviewing, share, sidebar, view

TABLE_ROWS = 1000  # the browser table stays quick; the downloads hold every row

st.title("Positions")
filters = sidebar.filters()
df = cache.positions(filters)
mode = reviewing.count_mode()  # statements by default; ?_count=reports counts every report
groups = reviewing.statements(filters, reviewed_only=reviewing.is_reviewed_only())
share.header(filters, df, "positions", view.current("_count"), extra=[count_phrase(len(groups), "statement")])
if not share.empty_state(filters, df):
    shown = views.most_recent(reviewing.statement_table(df, groups, mode), TABLE_ROWS)
    table = shown.assign(article=[f"/articles{query_string(filters, {'_article': a})}" for a in shown["article_id"]])
    if len(df) > TABLE_ROWS:
        st.caption(f"The table lists the {TABLE_ROWS:,} most recent; the downloads hold all {len(df):,}.")
    st.dataframe(
        table[["date", "actor", "stance", "target", "issue", "speaker", "sentence", "outlet", "carried by", "article"]
              + (["reports"] if mode == "statements" else [])],
        hide_index=True, width="stretch", height=640,
        column_config={
            "article": st.column_config.LinkColumn("article", display_text="open", help="The article, highlighted"),
            "sentence": st.column_config.TextColumn("evidence sentence", width="large"),
        },
    )
