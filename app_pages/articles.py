"""Articles: one article's text with every extracted position highlighted in place (stance colour,
hover for the row), its metadata and outlet; without `_article`, the list of matching articles."""
import streamlit as st

from core import highlight
from core.evidence import article_heading
from core.filters import query_string
from ui import cache, share, sidebar, view

st.title("Articles")
filters = sidebar.filters()
df = cache.positions(filters)
listed = cache.articles(filters)
ids = listed["article_id"].tolist()
titles = dict(zip(listed["article_id"], listed["title"].fillna(listed["article_id"]), strict=True))
wanted = st.query_params.get("_article")
# A shared link may name an article the filters leave out: still show it, its highlights filtered.
if wanted and wanted not in ids and cache.article(wanted)[0] is not None:
    ids, titles = [wanted, *ids], {wanted: share.or_default(cache.article(wanted)[0]["title"], wanted), **titles}
labels = {a: f"{share.or_default(titles.get(a), a)} ({a})" for a in ids}
article_id = view.choose("Article", ids, "_article", ids[0] if ids else None, labels=labels)
meta, _ = cache.article(article_id) if article_id else (None, None)
rows = df[df["article_id"] == article_id] if article_id else df.iloc[0:0]
share.header(filters, rows, "articles", {"_article": article_id}, name="article_positions",
             extra=[f'in the article "{titles.get(article_id, article_id)}"'] if article_id else ())

if meta is None:
    share.empty_state(filters, df)
else:
    st.subheader(share.md(article_heading(meta["title"], meta["text"], article_id)))
    st.caption(share.md(" · ".join(str(x) for x in (meta["outlet"], meta["published"]) if not share.missing(x))))
    if share.or_default(meta.get("url"), "").startswith(("http://", "https://")):
        st.link_button("Original article", meta["url"], icon=":material/open_in_new:")
    if rows.empty:
        st.info("No position of this article matches the filters; the text is shown without highlights.")
    st.html(highlight.legend())
    st.html(highlight.highlight(share.or_default(meta["text"], ""), rows))
    with st.expander(f"All {len(listed):,} articles with matching positions"):
        st.dataframe(listed.assign(open=[f"/articles{query_string(filters, {'_article': a})}" for a in listed["article_id"]])
                     [["published", "outlet", "title", "n_positions", "open"]],
                     hide_index=True, width="stretch",
                     column_config={"open": st.column_config.LinkColumn("open", display_text="open")})
