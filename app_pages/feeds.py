"""Feeds: the RSS/Atom feeds and sitemaps `python -m core follow` reads, with their health at a
glance, the recent follow runs, and (where this dashboard may write) forms to add and remove feeds."""
import streamlit as st

from core.ingest import feeds
from ui import cache, share

st.title("Feeds")
st.caption("`python -m core follow --once` (cron, or the systemd timer in deploy/) fetches these, stores "
           "new English articles that hold a position of a registry actor, and records each run. "
           "A failing feed is retried later, not hammered.")
store = cache.store()
table = feeds.list_feeds(store)
COLUMNS = ["health", "url", "title", "kind", "last_fetched_at", "items_seen", "articles_added", "duplicates",
           "refused", "last_error", "next_retry_at"]

if table.empty:
    st.info("No feeds yet. Add an RSS or Atom feed, or a (news) sitemap, below or with "
            "`python -m core feeds add URL`.", icon=":material/rss_feed:")
else:
    failing = int((table["failures"] > 0).sum())
    figures = (("Feeds", len(table)), ("Failing", failing), ("Articles added", int(table["articles_added"].sum())))
    for col, (label, value) in zip(st.columns(3), figures, strict=True):
        col.metric(label, f"{value:,}")
    st.dataframe(table[COLUMNS], hide_index=True, width="stretch")

runs = feeds.recent_runs(store)
if not runs.empty:
    st.subheader("Recent follow runs")
    st.dataframe(runs, hide_index=True, width="stretch")


def _done(results: list[tuple[str, str]]) -> None:
    st.session_state["feeds_result"] = results
    st.rerun()


if store.read_only:
    st.caption("This dashboard reads the database only: add or remove feeds with `python -m core feeds add URL`.")
else:
    with st.form("add_feeds"):
        urls = st.text_area("Feed or sitemap URLs, one per line", height=100, placeholder="https://…/rss.xml")
        if st.form_submit_button("Add", type="primary"):
            _done(feeds.add_feeds(store, [u for u in urls.splitlines() if u.strip()]))
    if not table.empty:
        with st.form("remove_feeds"):
            gone = st.multiselect("Stop following", table["url"].tolist())
            if st.form_submit_button("Remove") and gone:
                _done(feeds.remove_feeds(store, gone))

for url, outcome in st.session_state.pop("feeds_result", []):
    (st.success if outcome in ("added", "removed") else st.warning)(f"{share.md(url)}: {share.md(outcome)}")
