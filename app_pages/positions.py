"""Positions: the filtered rows as a table, newest first, each leading to its article."""
import streamlit as st

from core.accuracy import REVIEWED_STATUSES as REVIEWED
from core.accuracy import trust_legend
from core.filters import count_phrase
from core.labels import issue_labels
from ui import cache, reviewing, share, sidebar, view

st.title("Positions")
filters = sidebar.filters()
df = cache.positions(filters)
mode = reviewing.count_mode()  # statements by default; ?_count=reports counts every report
n_statements, n_rows, shown = reviewing.statement_rows(filters, mode, share.TABLE_ROWS,
                                                       reviewed_only=reviewing.is_reviewed_only())
share.header(filters, df, "positions", view.current("_count"), extra=[count_phrase(n_statements, "statement")])
if not share.empty_state(filters, df):
    table = reviewing.with_trust(shown)
    table = table.assign(article=[share.evidence_href(filters, a, p)
                                  for a, p in zip(table["article_id"], table["position_id"], strict=True)],
                         issue=issue_labels(table["issue"]),
                         reviewed=table["review_status"].isin(REVIEWED).fillna(False).astype(bool))
    if n_rows > len(shown):
        noun = "statement" if mode == "statements" else "report"
        st.caption(f"The table lists the {len(shown):,} most recent of {count_phrase(n_rows, noun)}; "
                   f"the downloads hold all {count_phrase(len(df))}.")
    legend = trust_legend(reviewing.accuracy())
    st.dataframe(
        table[["date", "actor", "stance", "target", "issue", "speaker", "sentence", "trust", "reviewed", "why", "outlet",
               "carried by", "article", "confidence"] + (["reports"] if mode == "statements" else [])],
        hide_index=True, width="stretch", height=share.table_height(len(table)),
        column_config={
            "article": st.column_config.LinkColumn("article", display_text="open",
                                                   help="The article, at this sentence, highlighted"),
            "sentence": st.column_config.TextColumn("evidence sentence", width="large"),
            "trust": st.column_config.TextColumn("trust", help=legend),
            "reviewed": st.column_config.CheckboxColumn("reviewed", help="A person accepted, edited or added it"),
            "why": st.column_config.TextColumn("why", help="The cue words and the rule that produced the row"),
            "confidence": st.column_config.NumberColumn(
                "confidence", format="%.2f",
                help="The extractor's own score (of the earliest report); the sidebar's Minimum confidence filters by it"),
        },
    )
    st.caption(legend)
