"""Overview: the corpus at a glance, the stance mix over time, the latest demands and concessions."""
import streamlit as st

from core import charts, views
from core.labels import issue_label
from ui import cache, reviewing, share, sidebar

st.title("Parley: who demands what of whom")
filters = sidebar.filters()
df = cache.positions(filters)
share.header(filters, df, "")
if not share.empty_state(filters, df):
    g = views.glance(df)
    figures = [("Articles", g["articles"]), ("Positions", g["positions"]), ("Actors", g["actors"]),
               ("Outlets", g["outlets"])]
    for col, (label, value) in zip(st.columns(4), figures, strict=True):
        col.metric(label, f"{value:,}")
    st.caption(f"Statements dated from {g['first']} to {g['last']}.")
    st.plotly_chart(charts.stance_mix_chart(views.stance_mix(df)), width="stretch", key="mix")
    left, right = st.columns(2)
    for col, stance, heading in ((left, "demand", "Latest demands"), (right, "concession", "Latest concessions")):
        col.subheader(heading)
        rows = reviewing.with_trust(views.latest(df, (stance,), n=8))
        if rows.empty:
            col.caption(f"No {stance}s among these positions.")
        for r, record in zip(rows.itertuples(index=False), rows.to_dict("records"), strict=True):
            to = f" → {r.target}" if isinstance(r.target, str) else ""
            link = share.evidence_link(filters, r.article_id, r.position_id, share.or_default(r.outlet, "article"))
            col.markdown(f"**{r.date} · {share.md(r.actor)}{share.md(to)}** · {issue_label(r.issue)}  \n{share.md(r.sentence)} "
                         f"{link} {share.trust_badge(record)}", unsafe_allow_html=True)
