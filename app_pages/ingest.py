"""Ingest: paste text, upload files, or give URLs; progress while extracting; a summary of what
was added, duplicated or refused and why. Caches are cleared afterwards so every page sees it."""
import re
import tempfile
from pathlib import Path

import streamlit as st

from core.ingest.ingest import ingest_articles, ingest_paths
from ui import cache, share, sidebar

st.title("Ingest articles")
filters = sidebar.filters()
df = cache.positions(filters)
share.sentence(filters, df)
share.unavailable_when_read_only("Adding articles")


def run(label: str, work, hide: str = "", date_field: str = "Published") -> None:
    """Run one ingest with a progress bar, then clear the caches and show the summary.

    `hide` is a server-side folder (where uploads were saved) left out of the messages."""
    cache.model()  # loaded once per server; the first ingest pays for it
    bar = st.progress(0.0, text=f"{label}: starting…")
    summary = work(lambda done, total: bar.progress(done / max(total, 1), text=f"{label}: {done} of {total}"))
    bar.empty()
    cache.clear()
    st.session_state["ingest_summary"] = (summary, hide, date_field)
    st.rerun()  # redraw the sidebar and counts from the new data


def show(summary, hide: str, date_field: str = "Published") -> None:
    c = summary.counts()
    (st.success if c["new"] and not summary.error else st.warning)(f"Ingest finished: {summary}.")
    if summary.error:
        st.error(share.md_line(summary.error), icon=":material/hard_drive:")
    a, b, f = st.columns(3)
    a.metric("Added", c["new"])
    b.metric("Duplicates", c["duplicate"])
    f.metric("Refused", c["failed"])
    for outcome in summary.new:
        st.markdown(f"- added **{share.md(outcome.article_id)}**: {share.md(outcome.reason)}")
    for line in summary.details():
        st.markdown(f"- {share.md(for_this_page(line.replace(hide, '') if hide else line, date_field))}")


# The library's messages speak to the command line ("pass --published YYYY-MM-DD"); here the date is a field.
_PUBLISHED_HINT = re.compile(r"\(?;?\s*pass --published YYYY-MM-DD( to use one)?\)?")


def for_this_page(line: str, field: str) -> str:
    """A summary line as this page says it: the command-line hint becomes the form's date field."""
    return _PUBLISHED_HINT.sub(f'; fill in "{field}" and add it again', line).replace(" ;", ";")


UPLOAD_DATE = "Publication date for files that do not give one"
URL_DATE = "Publication date if a page does not give one"
paste, upload, urls = st.tabs(["Paste text", "Upload files", "From URLs"])
with paste.form("paste", clear_on_submit=False):
    title = st.text_input("Title")
    outlet = st.text_input("Outlet")
    published = st.date_input("Published", value=None, format="YYYY-MM-DD",
                              help="The day the article was published; statements without a date of their own take it.")
    url = st.text_input("URL (optional)")
    text = st.text_area("Article text", height=240)
    if st.form_submit_button("Extract and store", type="primary"):
        if not text.strip():
            st.error("Paste the article's text first.")
        elif published is None:
            st.error('Give the article\'s publication date in the "Published" field above.', icon=":material/event:")
        else:
            art = {"title": title or None, "outlet": outlet or None, "url": url or None,
                   "published": published.isoformat(), "text": text}
            run("Pasted text", lambda p: ingest_articles(cache.store(), [art], progress=p, source="pasted text"))

with upload.form("upload"):
    files = st.file_uploader("Articles: .jsonl, .csv, .txt, .md or .html", accept_multiple_files=True,
                             type=["jsonl", "json", "csv", "txt", "md", "html", "htm"])
    when = st.date_input(UPLOAD_DATE, value=None, format="YYYY-MM-DD")
    if st.form_submit_button("Extract and store", type="primary") and files:
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for f in files:
                path = Path(tmp) / Path(f.name).name  # the name only: never a path the upload chose
                path.write_bytes(f.getvalue())
                paths.append(str(path))
            run("Uploaded files", lambda p: ingest_paths(cache.store(), paths, progress=p,
                                                         published=when.isoformat() if when else None),
                hide=tmp.rstrip("/") + "/", date_field=UPLOAD_DATE)

with urls.form("urls"):
    lines = st.text_area("One URL per line", height=160, placeholder="https://…")
    when_u = st.date_input(URL_DATE, value=None, format="YYYY-MM-DD")
    if st.form_submit_button("Fetch, extract and store", type="primary"):
        given = [u.strip() for u in lines.splitlines() if u.strip()]
        bad = [u for u in given if not u.startswith(("http://", "https://"))]
        if bad:
            st.error(share.md_line(f"Not a web address (http:// or https://): {', '.join(bad[:3])}"))
        elif given:
            run("URLs", lambda p: ingest_paths(cache.store(), given, progress=p,
                                               published=when_u.isoformat() if when_u else None),
                date_field=URL_DATE)

if "ingest_summary" in st.session_state:
    show(*st.session_state["ingest_summary"])
