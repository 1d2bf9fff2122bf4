"""Issues: the actor × issue ledger, and for one issue the negotiation space: each side's demands
against the other side's concessions, rejections and offers to talk, in time order."""
import streamlit as st

from core import charts, views
from ui import cache, reviewing, share, sidebar, view

st.title("Issues")
filters = sidebar.filters()
df = cache.positions(filters)
present = views.issues_present(df)
share.header(filters, df, "issues", {k: st.query_params.get(k) for k in ("_issue", "_a", "_b")})


MOVES_SHOWN = 25  # per column: the latest, still in time order; the downloads hold them all


def moves(container, rows, heading: str) -> None:
    container.markdown(f"**{heading}**")
    if rows.empty:
        container.caption("none among these positions")
    elif len(rows) > MOVES_SHOWN:
        container.caption(f"the latest {MOVES_SHOWN} of {len(rows):,}, in time order")
    for r in rows.tail(MOVES_SHOWN).itertuples(index=False):
        to = f" → {r.target}" if isinstance(r.target, str) else ""
        container.markdown(f"`{r.date}` *{share.md(r.stance)}{share.md(to)}* — {share.md(r.sentence)}")


if not share.empty_state(filters, df):
    ledger = views.ledger(df)
    st.plotly_chart(charts.ledger_chart(ledger), width="stretch", key="ledger")
    with st.expander("The ledger as a table"):
        st.dataframe(ledger, hide_index=True, width="stretch")
    st.header("Negotiation space")
    c1, c2, c3 = st.columns(3)
    issue = view.choose("Issue", present, "_issue", present[0] if present else None, container=c1)
    sides = df.loc[df["issue"] == issue, "actor"].value_counts().index.tolist()
    default_a, default_b = (views.main_sides(df, issue) + [None, None])[:2]
    side_a = view.choose("Side A", sides, "_a", default_a, container=c2)
    side_b = view.choose("Side B", [s for s in sides if s != side_a], "_b",
                         default_b if default_b != side_a else None, optional=True, container=c3)
    if side_a and side_b:
        space = views.negotiation_space(df, issue, side_a, side_b)
        for x, y in ((side_a, side_b), (side_b, side_a)):
            left, right = st.columns(2)
            moves(left, space[space["move"] == f"{x} demands"], f"{x} demands")
            moves(right, space[space["move"] == f"{y} answers"], f"{y} answers (concession, rejection, dialogue)")
    else:
        st.info(f"Only one actor states positions on {issue} among these rows: no negotiation to show.")
    reviewing.shifts_section(filters, issue=issue)
