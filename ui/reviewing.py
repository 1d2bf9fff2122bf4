"""Streamlit glue for review and shifts: the reviewer's name, the "reviewed only" switch bound to the
URL (`?_reviewed=1`), the statements-or-reports switch (`?_count=reports`), shift cards and recording
a decision. The cached reads themselves (reviews applied) are in ui/cache.py."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.filters import Filters, count_phrase
from core.present.colors import stance_color
from core.present.labels import issue_label
from core.storage import review
from core.storage.store import StoreError
from ui import cache, params
from ui.share import inline_html, md, or_default

REVIEWER = "parley_reviewer"   # session state: the name asked once per browser session
LAST_REVIEWED = "parley_last_reviewed"   # the switch as the last run saw it, carried across a page change


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


def carry_switch() -> None:
    """A URL emptied by a page change: put back `?_reviewed=1` when the session last had it on."""
    if st.session_state.get(LAST_REVIEWED):
        params.REVIEWED.write("1")


def toggle() -> bool:
    """The "reviewed positions only" switch in the sidebar, bound to `?_reviewed=1` both ways.

    ui.sidebar.filters() draws it once per run on every page; pages read is_reviewed_only().
    """
    wanted = cache.is_reviewed_only()
    st.session_state[LAST_REVIEWED] = wanted
    # always, as for the filters: each page draws its own switch under this key, and one new to
    # this page would otherwise start off whatever the URL says
    st.session_state["rv_reviewed_toggle"] = wanted
    st.sidebar.toggle("Reviewed positions only", key="rv_reviewed_toggle", on_change=_toggle_to_url,
                      help="Only positions a reviewer accepted, edited or added; rejected ones are never shown.")
    return wanted


CARD_STYLE = ("border:1px solid rgba(128,128,128,0.3);border-radius:0.5rem;padding:0.75rem 1rem 0.25rem;"
              "margin-bottom:0.75rem")


def shift_cards(shifts: pd.DataFrame, limit: int = 20) -> None:
    """Each shift as a card: what moved, by which rule, and the two evidence sentences side by side.

    For the Shifts page, and for the actor and issue pages (pass their rows' shifts). A card is one HTML block
    (one element, not nine: a container, columns and their texts), and the cards are one element: the Shifts page
    draws a hundred of them, and the browser parses and renders each Markdown element on its own."""
    cards = "".join(shift_card(s) for s in shifts.head(limit).to_dict("records"))
    if cards:
        st.markdown(cards, unsafe_allow_html=True)
    if len(shifts) > limit:
        st.caption(f"The first {limit} of {len(shifts):,} shifts are drawn.")


def shift_card(s: dict) -> str:
    """One shift as HTML on one line (a blank line would end the HTML block); every value escaped."""
    head = (f"<b>{_h(s['actor'])}</b> on <b>{_h(issue_label(s['issue']))}</b>: <b>{_h(s['kind'])}</b> "
            f"({_h(s['from_stance'])} → {_h(s['to_stance'])}, {_h(s['days'])} days later) · rule "
            f"<code>{_h(s['rule_id'])}</code>")
    sides = "".join(_card_side(s, side, title) for side, title in (("from", "Before"), ("to", "After")))
    return (f'<div class="parley-shift" style="{CARD_STYLE}"><p>{head}</p>'
            f'<p style="opacity:0.7;font-size:0.875rem">{_h(s["explain"])}</p>'
            f'<div style="display:grid;grid-template-columns:1fr 1fr;gap:1rem">{sides}</div></div>')


def _card_side(s: dict, side: str, title: str) -> str:
    outlets = s.get(f"{side}_outlets")
    where = ", ".join(outlets) if isinstance(outlets, list) and outlets else s.get(f"{side}_outlet")
    stance = str(s[f"{side}_stance"])
    return (f'<div><b>{title}</b> · <span style="color:{stance_color(stance)}">■</span> {_h(stance)} · '
            f"{_h(s[f'{side}_date'])} · {_h(or_default(where, 'unknown outlet'))}"
            f"<blockquote>{_h(s[f'{side}_sentence'])}</blockquote></div>")


def _h(value) -> str:
    """Untrusted text inside the card's HTML, on one line."""
    return inline_html(" ".join(or_default(value, "").split()))


def shifts_section(filters: Filters, *, actor: str | None = None, issue: str | None = None,
                   limit: int = 10) -> None:
    """A "Shifts" section for the actor and issue pages: that actor's (or issue's) shifts as cards."""
    found = cache.shift_table(filters, reviewed_only=cache.is_reviewed_only(), actor=actor, issue=issue)
    st.subheader("Shifts")
    if found.empty:
        st.caption("No shift among these positions (the Shifts page explains the rules).")
        return
    st.caption(f"{count_phrase(len(found), 'shift')}: where a stance moved; the Shifts page explains the rules.")
    shift_cards(found, limit)


def count_mode() -> str:
    """`statements` (the default) or `reports`, from `?_count=reports`, with a switch to change it."""
    wanted = "reports" if params.COUNT.read() == "reports" else "statements"
    st.session_state["rv_count_mode"] = wanted  # always: the URL decides, whatever an earlier page left here
    st.segmented_control("Count", ["statements", "reports"], key="rv_count_mode", on_change=_count_to_url,
                         help="A statement carried by several outlets counts once, or once per report.")
    return wanted


def decided() -> None:
    """After a decision: forget every cached read (views show review status)."""
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


def _count_to_url() -> None:
    params.COUNT.write(st.session_state.get("rv_count_mode"))


def _toggle_to_url() -> None:
    st.session_state[LAST_REVIEWED] = bool(st.session_state.get("rv_reviewed_toggle"))
    params.REVIEWED.write("1" if st.session_state.get("rv_reviewed_toggle") else None)


