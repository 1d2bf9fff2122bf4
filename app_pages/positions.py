"""Positions: the filtered rows as a table, newest first, each leading to its article."""
import hashlib

import streamlit as st

from core.analysis import views
from core.filters import count_phrase
from core.measure.accuracy import REVIEWED_STATUSES as REVIEWED
from core.measure.accuracy import trust_legend
from core.present.evidence import citation
from core.present.labels import issue_labels, stance_verb
from ui import cache, params, reviewing, share, sidebar, view

st.title("Positions")
filters = sidebar.filters()
df = cache.positions(filters)
mode = reviewing.count_mode()  # statements by default; ?_count=reports counts every report
COMPARE_ROWS = 1000  # the newest rows whose statements "Compare outlets" offers (as many as the table listed before paging)
statements = cache.statement_rows(filters, mode, reviewed_only=cache.is_reviewed_only())
share.header(filters, df, "positions", {**view.current(params.COUNT.name), **view.current(params.PAGE.name)},
             extra=[count_phrase(statements.n_statements, "statement")])
showing = not share.empty_state(filters, df)


def page_of_table():
    """This page's rows of the table (`?_page=N`, share.TABLE_ROWS a page, newest first), as the table shows them."""
    noun = "statements" if mode == "statements" else "reports"
    page = view.pager(len(statements), share.TABLE_ROWS, noun, order="newest first")
    shown = statements.newest((page - 1) * share.TABLE_ROWS, page * share.TABLE_ROWS)
    if len(statements) > len(shown):
        st.caption(f"The downloads hold all {count_phrase(len(df))}, not only this page.")
    table = cache.with_trust(shown)
    return table.assign(article=[share.evidence_href(filters, a, p)
                                 for a, p in zip(table["article_id"], table["position_id"], strict=True)],
                        issue=issue_labels(table["issue"]),
                        reviewed=table["review_status"].isin(REVIEWED).fillna(False).astype(bool))


def table_key(table) -> str:
    """One widget key per set of rows shown: the table remembers a chosen row by its place, so another page
    or filter must start with none chosen (the same place would hold another row)."""
    rows = "\n".join(map(str, table["position_id"]))
    return "positions_table_" + hashlib.blake2s(rows.encode(), digest_size=6).hexdigest()


if showing:
    table = page_of_table()
    legend = trust_legend(cache.accuracy())
    event = st.dataframe(
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
        key=table_key(table), on_select="rerun", selection_mode="single-row",
    )
    chosen = event.selection.rows if event is not None else []
    if chosen:   # a chosen row: its evidence in this tab (the table's own links open a new one) and its citation
        row = table.iloc[chosen[0]]
        st.markdown(f"**Chosen row:** {share.md(row['sentence'])} "
                    f"{share.evidence_link(filters, row['article_id'], row['position_id'], 'open the evidence here')}",
                    unsafe_allow_html=True)
        full = df[df["position_id"] == row["position_id"]]   # with the article's url and publication date
        st.code(citation(full.iloc[0] if len(full) else row), language=None, wrap_lines=True)
    else:
        st.caption("Choose a row (the box at its left) to open its evidence in this tab and copy its citation.")
    st.caption(legend)


def compare_outlets() -> None:
    """15.4: one statement as each outlet carried it, side by side (`?_statement=POSITION_ID`)."""
    st.subheader("Compare outlets")
    shown = statements.newest(0, COMPARE_ROWS)
    several = shown[shown["carried by"].astype("string").fillna("").str.contains(", ", regex=False)]
    several = several.drop_duplicates(["actor", "stance", "issue", "target", "carried by"])
    if several.empty:
        st.caption(f"No statement among the {len(shown):,} most recent rows was carried by more than one outlet.")
        return
    names = {p: f"{r['date']} · {r['actor']} {stance_verb(r['stance'])} · {str(r['sentence'])[:70]}… "
                f"({r['carried by']})" for p, r in zip(several["position_id"], several.to_dict("records"), strict=True)}
    chosen = view.choose("A statement carried by several outlets", list(names), params.STATEMENT.name, None, optional=True,
                         labels=names)
    if chosen is None:
        st.caption(f"{count_phrase(len(names), 'statement')} among the {len(shown):,} most recent rows "
                   f"{'was' if len(names) == 1 else 'were'} "
                   "carried by more than one outlet: choose one to read each outlet's report side by side.")
        return
    reports = views.statement_reports(df, chosen)
    share.header(filters, reports.drop(columns=["wording", "differs", "statement_id"], errors="ignore"), "positions",
                 {**view.current(params.COUNT.name), params.STATEMENT.name: chosen}, name="statement",
                 extra=[f"{count_phrase(len(reports), 'report')} of one statement"])
    records = cache.with_trust(reports).to_dict("records")
    for start in range(0, len(records), 3):
        for col, r in zip(st.columns(3), records[start:start + 3], strict=False):
            box = col.container(border=True)
            box.markdown(f"**{share.md(share.or_default(r.get('outlet'), 'unknown outlet'))}** · published "
                         f"{share.md(share.or_default(r.get('published'), '?'))}  \n"
                         f"*{share.md(share.or_default(r.get('title'), ''))}*")
            quote = "" if share.missing(r.get("quote")) else f"  \nquote: “{share.md(r['quote'])}”"
            speaker = "" if share.missing(r.get("speaker")) else f"  \nspeaker: {share.md(r['speaker'])}"
            box.markdown(f"{share.md(r['sentence'])}{quote}{speaker}  \n"
                         f"`{share.or_default(r.get('date'), 'undated')}` · wording {r['wording']:.0f}% like the first"
                         f" report · {share.evidence_link(filters, r['article_id'], r['position_id'])} "
                         f"{share.trust_badge(r)}", unsafe_allow_html=True)
            if r["differs"]:
                box.caption("differs from the first report in: " + ", ".join(r["differs"]))


if showing:
    compare_outlets()
