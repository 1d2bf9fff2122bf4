"""Shifts: when a side moved on an issue (a demand softened, a rejection opened into talks, a concession
withdrawn, a warning escalated), with the two evidence sentences side by side and the rule that called it."""
import streamlit as st

from core.analysis.shifts import KINDS, RULES_EXPLAINED, lines_summary, rules_table
from core.filters import count_phrase
from core.storage import writers
from ui import cache, params, reviewing, share, sidebar, view

SHOWN = 100  # shift cards drawn; the download holds every shift

st.title("Shifts")
filters = sidebar.filters()
only = cache.is_reviewed_only()
df = cache.positions(filters, reviewed_only=only)
found = cache.shift_table(filters, reviewed_only=only)
kind = view.choose("Kind of shift", list(KINDS), params.KIND.name, None, optional=True)
shown = found[found["kind"] == kind] if kind else found
found_phrase = f"{count_phrase(len(shown), (kind + ' shift') if kind else 'shift')} found"
share.header(filters, df, "shifts", view.current(params.KIND.name), name="positions", extra=[found_phrase])

with st.expander("How a shift is called", expanded=found.empty, icon=":material/rule:"):
    st.markdown(RULES_EXPLAINED)
    st.dataframe(rules_table(), hide_index=True, width="stretch")

if not share.empty_state(filters, df):
    if shown.empty:
        st.info("No shift among these positions. Widen the filters (more dates, more actors) to see one.",
                icon=":material/swap_horiz:")
    else:
        st.download_button("Download these shifts (CSV)", data=lambda: writers.to_csv(shown), file_name="shifts.csv",
                           mime="text/csv", on_click="ignore", icon=":material/download:", key="sh_csv")
        reviewing.shift_cards(shown, SHOWN)
    with st.expander("Position lines: each actor's stances on each issue, in time order"):
        st.dataframe(lines_summary(df), hide_index=True, width="stretch")
