"""The Overview's "since DATE" section: what is new since a day (`?since=YYYY-MM-DD`) or, by default,
since the last `follow` run started (stored in follow_runs). The figures come from core.storage.changes,
the same text `python -m core follow` prints at the end of a run."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.filters import parse_date
from core.storage.changes import what_changed
from ui import cache, params, share

SINCE_PARAM = params.SINCE.name


def _moment() -> tuple[dt.datetime | None, str]:
    """(since when, its label) from the URL, else the last follow run; (None, "") when neither."""
    given = st.query_params.get(SINCE_PARAM)
    if given:
        day = parse_date(given)
        if day is not None:
            return dt.datetime.combine(day, dt.time()), day.isoformat()
        st.warning(f"?{SINCE_PARAM}={given} is not a date; write YYYY-MM-DD. Showing the last follow run.",
                   icon=":material/link_off:")
    run = cache.last_follow_run()
    if run is None:
        return None, ""
    start = pd.Timestamp(run["started_at"]).to_pydatetime()
    return start, f"the last follow run ({start:%Y-%m-%d %H:%M} UTC)"


def since_section(df: pd.DataFrame) -> None:
    """New articles, positions and shifts among `df` (the page's filtered rows) since the moment;
    draws nothing when there is no `?since=` and no follow run yet."""
    since, label = _moment()
    if since is None:
        return
    changes = what_changed(df, cache.articles_added_since(since), label)
    with st.container(border=True):
        st.subheader(f"Since {label}")
        figures = (("New articles", changes.new_articles), ("New positions", changes.new_positions),
                   ("New shifts", len(changes.shifts)))
        for col, (name, value) in zip(st.columns(3), figures, strict=True):
            col.metric(name, f"{value:,}")
        for line in changes.lines()[1:]:
            st.markdown(share.md(line))
        # keyed by the day shown: a new ?since= (a pasted link) gets a fresh control, not the old pick
        key = f"_since_pick_{since.date().isoformat()}"
        st.date_input("Show what is new since", value=since.date(), format="YYYY-MM-DD", key=key,
                      on_change=_pick, args=(key,))


def _pick(key: str) -> None:
    picked = st.session_state.get(key)
    if picked:
        st.query_params[SINCE_PARAM] = picked.isoformat()
