"""Review: check extracted positions, lowest confidence first; accept, reject, edit, or add a missed one.
Every decision is recorded with the reviewer's name and time in an audit trail that can be downloaded."""
import streamlit as st

from core.filters import count_phrase
from core.storage import review, writers
from ui import cache, params, reviewing, share, sidebar, view
from ui import review_forms as forms

QUEUE_SIZE = 300  # items offered in the picker; the rest wait their turn

st.title("Review")
filters = sidebar.filters()
only = cache.is_reviewed_only()
# every row with the rejected ones too (they can be reopened), and of them the rows the other pages show
df, everything = cache.review_positions(filters, reviewed_only=only)
share.header(filters, df, "review", view.current(params.REVIEW_POSITION.name), name="reviewed_positions")
share.unavailable_when_read_only("Reviewing")
if share.empty_state(filters, everything):
    st.stop()
counts = review.status_counts(everything)
st.caption(", ".join(f"{n:,} {status}" for status, n in counts.items()) + " under these filters.")
name = reviewing.reviewer()
# unique() first: sets of 100,000 strings from pyarrow columns are built one Python string at a time
actors = sorted(set(df["actor"].dropna().unique()) | set(df["target"].dropna().unique()))



def queue_head(rows):
    """(positions to check, the first QUEUE_SIZE of them in queue order)."""
    return review.status_counts(rows)["unreviewed"], review.review_queue(rows, QUEUE_SIZE)


queue_tab, reviewed_tab, add_tab, audit_tab = st.tabs(["Queue", "Reviewed", "Add a missed position", "Audit trail"])

with queue_tab:
    # the queue's order (every unreviewed row sorted) is kept per filter set and database version: a decision
    # writes, so the next run works it out again
    n_queue, queue = cache.review_derived("review:queue", filters, queue_head, reviewed_only=only)
    if only:
        st.info("The queue holds unreviewed positions: switch off “Reviewed positions only” to see it.")
    elif queue.empty:
        st.success("Nothing left to check under these filters.", icon=":material/task_alt:")
    else:
        st.markdown(f"**{n_queue:,} positions to check**, lowest confidence first.")
        items = queue.head(QUEUE_SIZE).set_index("position_id", drop=False)
        forms.panel(items.loc[forms.pick("Position to check", items, params.REVIEW_POSITION.name)], name, actors, "queue")

with reviewed_tab:
    done = everything[everything["review_status"] != "unreviewed"].set_index("position_id", drop=False)
    if done.empty:
        st.info("No position has been reviewed under these filters yet.")
    else:
        st.dataframe(done[["review_status", "reviewer", "reviewed_at", "date", "actor", "stance", "target", "issue",
                           "sentence", "outlet"]], hide_index=True, width="stretch")
        forms.panel(done.loc[forms.pick("Look again at", done, params.REVIEWED_POSITION.name)], name, actors, "done")

with add_tab:
    ids = df["article_id"].drop_duplicates().tolist()
    if not ids:
        st.info("No article under these filters: remove a filter to add a position.")
    elif name:
        titles = df.drop_duplicates("article_id").set_index("article_id")["title"]
        article_id = st.selectbox("Article", ids, format_func=lambda a: share.or_default(titles.get(a), a), key="rv_add_article")
        forms.add_form(article_id, name, actors)

with audit_tab:
    trail = cache.audit()
    st.markdown(f"**{count_phrase(len(trail), 'decision')}** in the audit trail, newest first.")
    if not trail.empty:
        st.dataframe(review.readable_audit(trail), hide_index=True, width="stretch",
                     column_config={"sentence": st.column_config.TextColumn("sentence", width="large")})
    st.download_button("Download the audit trail (CSV)", data=writers.to_csv(trail), file_name="audit_trail.csv",
                       mime="text/csv", on_click="ignore", icon=":material/download:", key="rv_audit_csv")
