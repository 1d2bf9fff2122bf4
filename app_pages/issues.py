"""Issues: the actor × issue ledger, and for one issue the negotiation board: two sides (each a set of
actors), every move of each in time order, each demand with the other side's replies, each move one click
from its evidence."""
import streamlit as st

from core.analysis import negotiation, views
from core.filters import count_phrase
from core.measure.accuracy import trust_legend
from core.present import charts
from core.present.labels import issue_label, issue_labels, stance_verb
from ui import cache, params, reviewing, share, sidebar, view

st.title("Issues")
filters = sidebar.filters()
df = cache.positions(filters)
present = views.issues_present(df)
VIEW_PARAMS = (params.ISSUE.name, params.SIDE_A.name, params.SIDE_B.name, params.PAGE.name)
focus = {k: st.query_params.get_all(k) for k in VIEW_PARAMS}
shown = share.header(filters, df, "issues", focus, name="issues", focus_in_name=False)


def move_text(r: dict) -> str:
    """`2022-01-10 **Russia demands** → NATO (Sergei Lavrov) — sentence evidence`, escaped, with its link."""
    to = f" → {share.md(r['target'])}" if not share.missing(r["target"]) else ""
    by = f" ({share.md(r['speaker'])})" if not share.missing(r.get("speaker")) else ""
    return (f"`{share.or_default(r['date'], 'undated')}` **{share.md(r['actor'])} {stance_verb(r['stance'])}**{to}{by}"
            f" — {share.md(r['sentence'])} {share.evidence_link(filters, r['article_id'], r.get('position_id'))}"
            f" {share.carried(r)} {share.trust_badge(r)}")


def after(days: int) -> str:
    return "same day" if days == 0 else f"{days} day{'s' if days != 1 else ''} later"


def draw_board(moves, pairs, labels: dict[str, str]) -> None:
    page = view.pager(len(moves), negotiation.PAGE_SIZE, "statements" if "n_reports" in moves.columns else "moves")
    shown = negotiation.page_rows(moves, page)
    pairs = pairs[pairs["demand_id"].isin(shown["move_id"])]   # only this page's rows become Python dicts
    records = {r["move_id"]: r for r in moves[moves["move_id"].isin(pairs["reply_id"])].to_dict("records")}
    answers = {d: g for d, g in pairs.groupby("demand_id", sort=False)}
    head_a, head_b = st.columns(2)
    head_a.markdown(f"#### Side A: {share.md(labels['A'])}")
    head_b.markdown(f"#### Side B: {share.md(labels['B'])}")
    for r in shown.to_dict("records"):
        left, right = st.columns(2)
        box = (left if r["lane"] == "A" else right).container(border=True)
        box.markdown(move_text(r), unsafe_allow_html=True)
        if r["stance"] != negotiation.DEMAND:
            continue
        other = labels["B" if r["lane"] == "A" else "A"]
        got = answers.get(r["move_id"])
        if got is None:
            box.caption(f"No answer from {share.md(other)} within {negotiation.REPLY_DAYS} days among these "
                        "positions.")
            continue
        lines = [f"- {kind}, {after(int(days))}: {move_text(records[rid])}"
                 for rid, kind, days in zip(got["reply_id"], got["kind"], got["days"], strict=True)]
        box.markdown(f"**{share.md(other)} answers:**\n" + "\n".join(lines), unsafe_allow_html=True)


def dense_note(n_moves: int, noun: str) -> str:
    """What the counting chart shows, and how to see each move on it again."""
    return (f"{n_moves:,} {noun}s: too many to draw one by one, so the chart counts them per week (side A above the "
            f"line, side B below; hover a bar for its count). Every {noun} is listed below, with its sentence. To see "
            f"each {noun} as a dot with its sentence on hover, narrow the board to at most "
            f"{negotiation.DENSE_MOVES:,}: dates (From, To) or other filters in the sidebar, or fewer actors on a "
            "side.")


LEDGER_KEY = "issues_ledger"   # the "The ledger as a table" expander: open or closed


def ledger_and_chart(rows):
    """The ledger and its chart: kept per filter set (ui.cache.derived), so a reload only draws them."""
    ledger = views.ledger(rows)
    return ledger, charts.ledger_chart(ledger)


if not share.empty_state(filters, df):
    ledger, ledger_figure = cache.derived("issues:ledger", filters, ledger_and_chart)
    share.chart(shown, ledger_figure, key="ledger")
    with share.folded("The ledger as a table", LEDGER_KEY) as opened:
        if opened:
            st.dataframe(ledger.assign(issue=issue_labels(ledger["issue"])), hide_index=True, width="stretch")
    st.header("Negotiation board")
    st.caption("Every move of two sides on one issue, oldest first. Under each demand: the other side's next moves "
               "addressed to it (or to no one named) — concessions, rejections and other replies — within "
               f"{negotiation.REPLY_DAYS} days and before its next demand.")
    issue = view.choose("Issue", present, params.ISSUE.name, present[0] if present else None,
                        labels={i: issue_label(i) for i in present})
    if st.session_state.get("board_last_issue") not in (None, issue):
        st.query_params.pop(params.PAGE.name, None)   # another issue: its board starts at its first page
    st.session_state["board_last_issue"] = issue
    # unique() first: a set of 100,000 strings from a pyarrow column is built one Python string at a time
    actors = sorted(set(df["actor"].dropna().unique()) | {a for side in negotiation.PRESETS.values() for a in side})
    default_a, default_b = negotiation.default_sides(df, issue)
    col_a, col_b = st.columns(2)
    side_a = view.choose_side("Side A", params.SIDE_A.name, actors, default_a, legacy=params.OLD_SIDE_A.name, container=col_a)
    side_b = view.choose_side("Side B", params.SIDE_B.name, actors, default_b, legacy=params.OLD_SIDE_B.name, container=col_b)
    both = [a for a in side_b if a in side_a]
    if both:
        col_b.caption(f"{share.md(', '.join(both))} {'is' if len(both) == 1 else 'are'} on side A, so left out of side B.")
    side_b = tuple(a for a in side_b if a not in side_a)
    if not side_a or not side_b:
        if not (default_a and default_b):
            st.info(f"Only one actor states positions on {issue_label(issue)} among these rows: no negotiation to "
                    "show. Choose the actors of both sides above to see their moves.")
        else:
            st.info("Choose the actors of both sides to see their moves.")
    else:
        mode = reviewing.count_mode()  # a statement carried by several outlets is one move; ?_count=reports: each
        labels = {"A": negotiation.side_label(side_a), "B": negotiation.side_label(side_b)}
        reports, moves, pairs, figure = cache.board(filters, issue, side_a, side_b, statements=mode == "statements",
                                                    title=f"{labels['A']} and {labels['B']} on {issue_label(issue)}")
        board_view = {params.ISSUE.name: issue, params.SIDE_A.name: ",".join(side_a), params.SIDE_B.name: ",".join(side_b),
                      **view.current(params.COUNT.name)}
        noun = "statement" if mode == "statements" else "report"
        board_shown = share.header(filters, reports, "issues", board_view, name="negotiation",
                     extra=[f"{count_phrase(len(moves), noun)} on {issue_label(issue)} of {labels['A']} (side A) and "
                            f"{labels['B']} (side B)"])
        if moves.empty:
            st.info(f"Neither side states a position on {issue_label(issue)} among these rows.")
        else:
            share.chart(board_shown, figure, key="board")
            if negotiation.is_dense(moves):
                st.caption(dense_note(len(moves), noun))
            st.caption(trust_legend(cache.accuracy()))
            draw_board(moves, pairs, labels)
    reviewing.shifts_section(filters, issue=issue)
