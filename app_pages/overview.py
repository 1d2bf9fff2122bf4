"""Overview: the corpus at a glance, the stance mix over time, the latest demands and concessions."""
import streamlit as st

from core.analysis import views
from core.present import charts
from core.present.labels import issue_label
from ui import cache, reviewing, share, sidebar
from ui.since import since_section

st.title("Parley: who demands what of whom")
filters = sidebar.filters()
df = cache.positions(filters)
shown = share.header(filters, df, "")
since_section(df)  # what is new since ?since= or the last follow run
if not share.empty_state(filters, df):
    g = views.glance(df)
    # (no statement count here: grouping every row costs seconds at 100,000 positions; /positions says it)
    n_articles = cache.derived("overview:articles", filters, lambda d: len(share.article_list(filters, d)))
    figures = [("Articles", n_articles), ("Positions", g["positions"]),
               ("Actors", g["actors"]), ("Outlets", g["outlets"])]
    for col, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
        col.metric(label, f"{value:,}")
    st.caption(f"Statements dated from {g['first']} to {g['last']}. A statement carried by several outlets is one "
               "statement and several positions (reports).")
    mix = cache.derived("overview:mix", filters, lambda d: charts.stance_mix_chart(views.stance_mix(d)))
    share.chart(shown, mix, key="mix")
    mode = reviewing.count_mode()  # statements by default; ?_count=reports lists every report
    latest = views.latest_statements if mode == "statements" else views.latest
    left, right = st.columns(2)
    for col, stance, heading in ((left, "demand", "Latest demands"), (right, "concession", "Latest concessions")):
        col.subheader(heading)
        rows = cache.derived(f"overview:latest:{mode}:{stance}", filters,
                             lambda d, s=stance: cache.with_trust(latest(d, (s,), n=8)))
        if rows.empty:
            col.caption(f"No {stance}s among these positions.")
        for r in rows.to_dict("records"):
            to = f" → {r['target']}" if isinstance(r["target"], str) else ""
            link = share.evidence_link(filters, r["article_id"], r["position_id"], share.or_default(r["outlet"], "article"))
            col.markdown(f"**{share.md(r['date'])} · {share.md(r['actor'])}{share.md(to)}** · "
                         f"{share.md(issue_label(r['issue']))}  \n"
                         f"{share.md(r['sentence'])} {link} {share.carried(r)} {share.trust_badge(r)}",
                         unsafe_allow_html=True)
