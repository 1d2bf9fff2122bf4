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
pair = tuple(a for a in (actor, compare) if a)
# The chosen actors' rows, kept per filter set (ui.cache.derived): taking them out of 100,000 rows of every column
# cost ~0.1 s on every run, and the profiles below are worked out of them too (a far smaller frame to cut).
shown = cache.derived(f"actors:rows:{'|'.join(pair)}", filters, lambda d: d[d["actor"].isin(pair)]) if actor else df
view_shown = share.header(filters, shown, "actors", focus, name="actors",
             extra=[f"profile of {' and '.join(pair)}"] if actor else ())


def profile_parts(rows, name: str, scale: dict) -> dict:
    """One actor's profile worked out: its figures, speakers and latest concessions or rejections. Kept per filter
    set (ui.cache.derived), so a reload draws them instead of building four figures again (~0.5 s at 100,000)."""
    p = views.actor_profile(rows, name)
    return {
        "positions": len(p["rows"]), "articles": p["rows"]["article_id"].nunique(),
        "stances": charts.stance_bar(p["stances"], f"What {name} does with its words", value_max=scale.get("stances")),
        "demands": None if p["demands_of"].empty else charts.count_bar(
            p["demands_of"], "target", f"Whom {name} makes demands of", "demand", value_max=scale.get("demands_of")),
        "issues": charts.issue_stance_chart(p["issues"], f"{name}'s issues", value_max=scale.get("issues")),
        "time": charts.stance_mix_chart(views.stance_mix(p["rows"]), f"{name} over time", value_max=scale.get("time")),
        "speakers": p["speakers"],
        "given": cache.with_trust(views.latest_statements(p["rows"], ("concession", "rejection"), n=5)),
    }


def profile(container, name: str) -> None:
    """One actor's profile; beside another (`pair` of two actors), both drawn on one scale (views.profile_scale)."""
    def work(_rows):
        return profile_parts(shown, name, views.profile_scale(shown, list(pair)) if len(pair) > 1 else {})

    p = cache.derived(f"actors:profile:{name}:{'|'.join(pair)}", filters, work)
    c = container
    c.subheader(share.md(name))
    c.caption(f"{p['positions']:,} positions, {p['articles']:,} articles.")
    share.chart(view_shown, p["stances"], key=f"stances_{name}", container=c)
    if p["demands"] is not None:
        share.chart(view_shown, p["demands"], key=f"demands_{name}", container=c)
    share.chart(view_shown, p["issues"], key=f"issues_{name}", container=c)
    share.chart(view_shown, p["time"], key=f"time_{name}", container=c)
    if not p["speakers"].empty:
        c.markdown("**Speakers**")
        c.dataframe(p["speakers"], hide_index=True, width="stretch")
    c.markdown(f"**What {share.md(name)} last conceded or rejected**")
    if p["given"].empty:
        c.caption("nothing among these positions")
    for r in p["given"].to_dict("records"):
        to = f" → {r['target']}" if isinstance(r["target"], str) else ""
        c.markdown(f"`{r['date']}` *{share.md(r['stance'])}{share.md(to)}* · {share.md(issue_label(r['issue']))} — "
                   f"{share.md(r['sentence'])} {share.evidence_link(filters, r['article_id'], r['position_id'])} "
                   f"{share.carried(r)} {share.trust_badge(r)}", unsafe_allow_html=True)


if not share.empty_state(filters, df) and actor:
    if compare:
        left, right = st.columns(2)
        profile(left, actor)
        profile(right, compare)
    else:
        profile(st, actor)
    reviewing.shifts_section(filters, actor=actor)
