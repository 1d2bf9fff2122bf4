"""Actors: one actor's profile (what it demands of whom, what it concedes or rejects, on which
issues, through which speakers, over time) and, optionally, a second actor beside it."""
import streamlit as st

from core.analysis import views
from core.present import charts
from core.present.labels import issue_label
from ui import cache, params, reviewing, share, sidebar, view

st.title("Actors")
filters = sidebar.filters()
df = cache.positions(filters)
actors = df["actor"].value_counts().index.tolist()
pick, other = st.columns(2)
actor = view.choose("Actor", actors, params.ACTOR.name, actors[0] if actors else None, container=pick)
compare = view.choose("Compare with", [a for a in actors if a != actor], params.COMPARE.name, None, optional=True,
                      container=other)
focus = {params.ACTOR.name: actor, params.COMPARE.name: compare}
shown = df[df["actor"].isin([a for a in (actor, compare) if a])] if actor else df
view_shown = share.header(filters, shown, "actors", focus, name="actors",
             extra=[f"profile of {' and '.join(a for a in (actor, compare) if a)}"] if actor else ())


def profile(container, name: str, scale: dict | None = None) -> None:
    """One actor's profile; `scale` (views.profile_scale) puts two profiles side by side on one scale."""
    p = views.actor_profile(shown, name)  # shown holds the chosen actors only: a far smaller frame to cut
    scale = scale or {}
    c = container
    c.subheader(share.md(name))
    c.caption(f"{len(p['rows']):,} positions, {p['rows']['article_id'].nunique():,} articles.")
    share.chart(view_shown, charts.stance_bar(p["stances"], f"What {name} does with its words",
                                              value_max=scale.get("stances")), key=f"stances_{name}", container=c)
    if not p["demands_of"].empty:
        share.chart(view_shown, charts.count_bar(p["demands_of"], "target", f"Whom {name} makes demands of", "demand",
                                                 value_max=scale.get("demands_of")), key=f"demands_{name}", container=c)
    share.chart(view_shown, charts.issue_stance_chart(p["issues"], f"{name}'s issues", value_max=scale.get("issues")),
                key=f"issues_{name}", container=c)
    share.chart(view_shown, charts.stance_mix_chart(views.stance_mix(p["rows"]), f"{name} over time",
                                                    value_max=scale.get("time")), key=f"time_{name}", container=c)
    if not p["speakers"].empty:
        c.markdown("**Speakers**")
        c.dataframe(p["speakers"], hide_index=True, width="stretch")
    given = cache.with_trust(views.latest_statements(p["rows"], ("concession", "rejection"), n=5))
    c.markdown(f"**What {share.md(name)} last conceded or rejected**")
    if given.empty:
        c.caption("nothing among these positions")
    for r in given.to_dict("records"):
        to = f" → {r['target']}" if isinstance(r["target"], str) else ""
        c.markdown(f"`{r['date']}` *{share.md(r['stance'])}{share.md(to)}* · {share.md(issue_label(r['issue']))} — "
                   f"{share.md(r['sentence'])} {share.evidence_link(filters, r['article_id'], r['position_id'])} "
                   f"{share.carried(r)} {share.trust_badge(r)}", unsafe_allow_html=True)


if not share.empty_state(filters, df) and actor:
    if compare:
        left, right = st.columns(2)
        scale = views.profile_scale(shown, [actor, compare])
        profile(left, actor, scale)
        profile(right, compare, scale)
    else:
        profile(st, actor)
    reviewing.shifts_section(filters, actor=actor)
