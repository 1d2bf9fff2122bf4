"""Shifts: when a side moved on an issue (a demand softened, a rejection opened into talks, a concession
withdrawn, a warning escalated), with the two evidence sentences side by side and the rule that called it."""
import streamlit as st

from core.analysis.shifts import KINDS, RULES_EXPLAINED, lines_summary, rules_table
from core.filters import count_phrase
from core.storage import writers
from ui import cache, params, reviewing, share, sidebar, view

SHOWN = 100  # shift cards drawn; the download holds every shift

SEQUENCE_CHARS = 300   # of a line's stance sequence in the table: a busy line's runs to tens of kilobytes
MORE = " → …"


def short_lines(rows):
    """lines_summary with each sequence cut at SEQUENCE_CHARS: at 100,000 positions the whole sequences made a
    0.9 MB table to send and a 0.5 s summary to work out on every run (kept per filter set by ui.cache.derived)."""
    lines = lines_summary(rows)
    cut = lines["sequence"].astype("string").fillna("")
    long = cut.str.len() > SEQUENCE_CHARS
    cut = cut.where(~long, cut.str.slice(0, SEQUENCE_CHARS).str.rsplit(" → ", n=1).str[0] + MORE)
    return lines.assign(sequence=cut)


def draw_lines() -> None:
    lines = cache.derived("shifts:lines", filters, short_lines, reviewed_only=only)
    st.dataframe(lines, hide_index=True, width="stretch")
    if lines["sequence"].str.endswith(MORE).any():
        st.caption(f"Sequences longer than {SEQUENCE_CHARS} characters are cut: narrow the filters (an actor, an "
                   "issue, dates) to read a line whole.")


st.title("Shifts")
filters = sidebar.filters()
only = cache.is_reviewed_only()
df = cache.positions(filters, reviewed_only=only)
found = cache.shift_table(filters, reviewed_only=only)
kind = view.choose("Kind of shift", list(KINDS), params.KIND.name, None, optional=True)
shown = found[found["kind"] == kind] if kind else found
found_phrase = f"{count_phrase(len(shown), (kind + ' shift') if kind else 'shift')} found"
share.header(filters, df, "shifts", view.current(params.KIND.name), name="positions", extra=[found_phrase])

# The tables below are drawn once their expander opens (share.folded); the position lines also cost ~0.3 s to
# work out at 100,000 positions.
with share.folded("How a shift is called", "shifts_rules", expanded=found.empty, icon=":material/rule:") as opened:
    st.markdown(RULES_EXPLAINED)
    if opened:
        st.dataframe(rules_table(), hide_index=True, width="stretch")

if not share.empty_state(filters, df):
    if shown.empty:
        st.info("No shift among these positions. Widen the filters (more dates, more actors) to see one.",
                icon=":material/swap_horiz:")
    else:
        st.download_button("Download these shifts (CSV)", data=lambda: writers.to_csv(shown), file_name="shifts.csv",
                           mime="text/csv", on_click="ignore", icon=":material/download:", key="sh_csv")
        reviewing.shift_cards(shown, SHOWN)
    with share.folded("Position lines: each actor's stances on each issue, in time order", "shifts_lines") as opened:
        if opened:
            draw_lines()
