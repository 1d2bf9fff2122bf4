"""Streamlit glue for review, shifts and accuracy: the reviewer's name, the "reviewed only"
switch bound to the URL (`?_reviewed=1`), and the cached reads with reviews applied."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analysis import grouping, shifts, views
from core.filters import Filters, count_phrase, query_string
from core.measure.accuracy import Accuracy, load_accuracy
from core.present.colors import stance_color
from core.present.labels import issue_label
from core.storage import review
from core.storage.store import StoreError
from ui import cache
from ui.cache import REVIEWED_PARAM
from ui.share import md, or_default

REVIEWER = "parley_reviewer"   # session state: the name asked once per browser session
LAST_REVIEWED = "parley_last_reviewed"   # the switch as the last run saw it, carried across a page change
ACCURACY_TTL = 600            # seconds: a retrained model's figures show within ten minutes, as before
COUNT_PARAM = "_count"         # ?_count=reports: count every report, not each statement once


def reviewer() -> str | None:
    """The reviewer's name, asked once per browser session; None until given."""
    name = st.session_state.get(REVIEWER)
    if name:
        left, right = st.columns([4, 1])
        left.caption(f"Reviewing as **{md(name)}**. Every decision is recorded under this name.")
        if right.button("Change name", key="rv_change_name"):
            del st.session_state[REVIEWER]
            st.rerun()
        return name
    with st.form("rv_name_form"):
        typed = st.text_input("Your name, for the audit trail", key="rv_name_input")
        if st.form_submit_button("Start reviewing") and typed.strip():
            st.session_state[REVIEWER] = typed.strip()
            st.rerun()
    st.info("Give your name to accept, reject, edit or add positions.", icon=":material/badge:")
    return None


is_reviewed_only = cache.is_reviewed_only


def carry_switch() -> None:
    """A URL emptied by a page change: put back `?_reviewed=1` when the session last had it on."""
    if st.session_state.get(LAST_REVIEWED):
        st.query_params[REVIEWED_PARAM] = "1"


def toggle() -> bool:
    """The "reviewed positions only" switch in the sidebar, bound to `?_reviewed=1` both ways.

    ui.sidebar.filters() draws it once per run on every page; pages read is_reviewed_only().
    """
    wanted = is_reviewed_only()
    st.session_state[LAST_REVIEWED] = wanted
    # always, as for the filters: each page draws its own switch under this key, and one new to
    # this page would otherwise start off whatever the URL says
    st.session_state["rv_reviewed_toggle"] = wanted
    st.sidebar.toggle("Reviewed positions only", key="rv_reviewed_toggle", on_change=_toggle_to_url,
                      help="Only positions a reviewer accepted, edited or added; rejected ones are never shown.")
    return wanted


def shift_cards(shifts: pd.DataFrame, limit: int = 20) -> None:
    """Each shift as a card: what moved, by which rule, and the two evidence sentences side by side.

    For the Shifts page, and for the actor and issue pages (pass their rows' shifts).
    """
    for _, s in shifts.head(limit).iterrows():
        with st.container(border=True):
            st.markdown(f"**{md(s['actor'])}** on **{md(issue_label(s['issue']))}**: **{s['kind']}** "
                        f"({s['from_stance']} → {s['to_stance']}, {s['days']} days later) · rule `{s['rule_id']}`")
            st.caption(md(s["explain"]))
            before, after = st.columns(2)
            for col, side, title in ((before, "from", "Before"), (after, "to", "After")):
                outlets = s.get(f"{side}_outlets")
                where = ", ".join(outlets) if isinstance(outlets, list) and outlets else s.get(f"{side}_outlet")
                stance = str(s[f"{side}_stance"])
                # md, not html.escape: this is Markdown (with HTML allowed), and an outlet may hold a [link](…)
                col.markdown(f'**{title}** · <span style="color:{stance_color(stance)}">■</span> {md(stance)}'
                             f" · {md(s[f'{side}_date'])} · {md(or_default(where, 'unknown outlet'))}",
                             unsafe_allow_html=True)
                col.markdown(f"> {md(s[f'{side}_sentence'])}")
    if len(shifts) > limit:
        st.caption(f"The first {limit} of {len(shifts):,} shifts are drawn.")


def shifts_section(filters: Filters, *, actor: str | None = None, issue: str | None = None,
                   limit: int = 10) -> None:
    """A "Shifts" section for the actor and issue pages: that actor's (or issue's) shifts as cards."""
    found = shift_table(filters, reviewed_only=is_reviewed_only(), actor=actor, issue=issue)
    st.subheader("Shifts")
    if found.empty:
        st.caption("No shift among these positions (the Shifts page explains the rules).")
        return
    st.caption(f"{count_phrase(len(found), 'shift')}: where a stance moved; the Shifts page explains the rules.")
    shift_cards(found, limit)


def positions(filters: Filters, *, reviewed_only: bool = False, include_rejected: bool = False) -> pd.DataFrame:
    """Filtered positions with reviews applied (review_status, reviewer, reviewed_at)."""
    return cache.positions(filters, reviewed_only=reviewed_only, include_rejected=include_rejected)


def shift_table(filters: Filters, *, reviewed_only: bool = False, actor: str | None = None,
                issue: str | None = None) -> pd.DataFrame:
    """Shifts among the filtered positions; with `actor` or `issue`, only that actor's (issue's) lines.

    Shifts are found per actor-and-issue line, so detecting them on one actor's (issue's) rows gives
    exactly that actor's (issue's) shifts, at a fraction of the cost of detecting every line.
    """
    path = cache.db_key()
    return _shifts(path, query_string(filters), reviewed_only, actor, issue, cache.version(path))


TABLE_COLUMNS = ("date", "actor", "stance", "target", "issue", "speaker", "sentence", "outlet", "article_id",
                 "confidence", "cue", "rule_id", "review_status")
GROUPING_COLUMNS = ("position_id", "char_start", "quote", "statement_id")


def statement_rows(filters: Filters, mode: str, limit: int, *,
                   reviewed_only: bool = False) -> tuple[int, int, pd.DataFrame]:
    """For a positions table: (statements among the filtered positions, rows the table would hold in
    this `mode`, its `limit` most recent rows). Cached as they are shown: the full grouping, with a
    Python list per statement, costs more to unpickle than to draw."""
    path = cache.db_key()
    return _statement_rows(path, query_string(filters), reviewed_only, mode, limit, cache.version(path))


def statement_table(df: pd.DataFrame, groups: pd.DataFrame, mode: str) -> pd.DataFrame:
    """The rows a positions table shows: one per statement (with `reports`), or every report;
    either way with `carried by`, the outlets that reported the same statement."""
    if mode == "statements":
        return groups.assign(reports=groups["n_reports"], **{"carried by": [", ".join(o) for o in groups["outlets"]]})
    outlets = {k: ", ".join(o) for keys, o in zip(groups["report_keys"], groups["outlets"], strict=True)
               for k in keys} if len(groups) else {}
    return df.assign(**{"carried by": [outlets.get(str(p), "") for p in df["position_id"]]})


def count_mode() -> str:
    """`statements` (the default) or `reports`, from `?_count=reports`, with a switch to change it."""
    wanted = "reports" if st.query_params.get(COUNT_PARAM) == "reports" else "statements"
    st.session_state["rv_count_mode"] = wanted  # always: the URL decides, whatever an earlier page left here
    st.segmented_control("Count", ["statements", "reports"], key="rv_count_mode", on_change=_count_to_url,
                         help="A statement carried by several outlets counts once, or once per report.")
    return wanted


def audit() -> pd.DataFrame:
    path = cache.db_key()
    return _audit(path, cache.version(path))


def accuracy() -> Accuracy:
    return _accuracy()


def clear_own() -> None:
    """Forget this module's cached reads (call it from ui.cache.clear() after an ingest)."""
    for fn in (_shifts, _statement_rows, _audit):
        fn.clear()
    from ui import board  # the negotiation board's cached reads carry review status too
    board.clear()


def decided() -> None:
    """After a decision: forget every cached read, the dashboard's too (views show review status)."""
    clear_own()
    cache.clear()


def run(action, *args, **kwargs) -> bool:
    """Record a decision; say plainly what went wrong instead of a traceback."""
    try:
        action(cache.store(), *args, **kwargs)
    except (review.ReviewError, StoreError) as err:  # StoreBusy: an ingest holds the file; nothing was written
        st.error(f"Not recorded: {err}", icon=":material/error:")
        return False
    decided()
    return True


@st.cache_data(max_entries=32, show_spinner=False)
def _shifts(path: str, qs: str, only: bool, actor: str | None = None, issue: str | None = None,
            version: str = "") -> pd.DataFrame:
    df = cache._positions(path, qs, only, False, version).copy(deep=False)  # the cached frame itself stays untouched
    if actor:
        df = df[df["actor"] == actor]
    if issue:
        df = df[df["issue"] == issue]
    return shifts.detect_shifts(df)


@st.cache_data(max_entries=16, show_spinner=False)
def _statement_rows(path: str, qs: str, only: bool, mode: str, limit: int,
                    version: str = "") -> tuple[int, int, pd.DataFrame]:
    df = cache._positions(path, qs, only, False, version)
    # only what grouping and the table read: grouping moves whole rows, and 100,000 rows of every column cost
    df = df[[c for c in (*TABLE_COLUMNS, *GROUPING_COLUMNS) if c in df.columns]]
    groups = grouping.statements(df, lists=("outlets",) if mode == "statements" else ("outlets", "report_keys"))
    table = statement_table(df, groups, mode)
    return len(groups), len(table), views.most_recent(table, limit)


@st.cache_data(max_entries=4, show_spinner=False)
def _audit(path: str, version: str = "") -> pd.DataFrame:
    return review.audit_trail(cache.store())


# Not from the database, so not keyed on its version: the model's report changes when it is retrained.
@st.cache_data(max_entries=1, ttl=ACCURACY_TTL, show_spinner=False)
def _accuracy() -> Accuracy:
    return load_accuracy()


def _count_to_url() -> None:
    if st.session_state.get("rv_count_mode") == "reports":
        st.query_params[COUNT_PARAM] = "reports"
    else:
        st.query_params.pop(COUNT_PARAM, None)


def _toggle_to_url() -> None:
    st.session_state[LAST_REVIEWED] = bool(st.session_state.get("rv_reviewed_toggle"))
    if st.session_state.get("rv_reviewed_toggle"):
        st.query_params[REVIEWED_PARAM] = "1"
    else:
        st.query_params.pop(REVIEWED_PARAM, None)


def with_trust(df: pd.DataFrame) -> pd.DataFrame:
    """The rows with `trust` (likely / uncertain / reviewed, by the measured precision table) and `why`
    (cue and rule): what a list, table or hover shows beside each row."""
    from core.measure.accuracy import trust_words, why_column

    return df.assign(trust=trust_words(df, accuracy()), why=why_column(df))
