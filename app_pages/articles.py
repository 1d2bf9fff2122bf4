"""Articles: one article's text with every extracted position highlighted in place (stance colour,
hover for the row and why it was extracted), its metadata and outlet; `_pos` marks one position,
scrolls to it and offers its citation; without `_article`, the list of matching articles."""
import json

import streamlit as st

from core.analysis import views
from core.extract.clean import find_boilerplate
from core.measure.accuracy import trust_words
from core.present import highlight, why
from core.present.evidence import article_heading, citation
from ui import cache, params, share, sidebar, view

FURNITURE_PARAM = params.FURNITURE.name  # ?_furniture=1: show the page furniture too
st.title("Articles")
filters = sidebar.filters()
df = cache.positions(filters)
listed = cache.derived("articles:list", filters, lambda d: share.article_list(filters, d))  # as the Overview counts
found_by = view.search("Find an article", params.TITLE, placeholder="words of its title (or its id)",
                       help="Lists the articles whose title or id holds every word; Enter applies.")
matching = views.titles_matching(listed, found_by)
offered = matching.head(share.PICKER_ROWS)  # the rest is found by searching, not sent


def picker_options() -> tuple[list[str], dict[str, str]]:
    """The picker's article ids and their labels: the first PICKER_ROWS (ui.share) matches, and first of all the
    article the link names when it is not among them (a shared link opens it whatever the search shows;
    one the filters leave out is shown too, its highlights filtered)."""
    ids = offered["article_id"].tolist()
    titles = dict(zip(offered["article_id"], offered["title"].fillna(offered["article_id"]), strict=True))
    wanted = st.query_params.get(params.ARTICLE.name)
    if wanted and wanted not in titles:
        listed_title = listed.loc[listed["article_id"] == wanted, "title"]
        found = None if len(listed_title) else cache.article(wanted)[0]
        if len(listed_title) or found is not None:
            ids = [wanted, *ids]
            titles[wanted] = (share.or_default(listed_title.iloc[0], wanted) if len(listed_title)
                              else article_heading(found["title"], found["text"], wanted))
    return ids, {a: f"{share.or_default(titles.get(a), a)} ({a})" for a in ids}


def picker_caption() -> None:
    """How many articles the search matches, and that narrowing it shows the ones not listed."""
    held = f" whose title holds “{found_by}”" if found_by else ""
    if len(matching) > share.PICKER_ROWS:
        st.caption(share.md_line(f"{len(matching):,} articles{held}: the picker lists the first {share.PICKER_ROWS}; "
                                 "narrow the search to find the others."))
    elif found_by:
        st.caption(share.md_line(f"{len(matching):,} of {len(listed):,} articles{held}."))


ids, labels = picker_options()
article_id = view.choose("Article", ids, params.ARTICLE.name, ids[0] if ids else None, labels=labels)
picker_caption()
meta, _ = cache.article(article_id) if article_id else (None, None)
rows = df[df["article_id"] == article_id] if article_id else df.iloc[0:0]
rows = rows.assign(trust=trust_words(rows, cache.accuracy()))
heading = article_heading(meta["title"], meta["text"], article_id) if meta is not None else None
share.header(filters, rows.drop(columns=["trust"]), "articles",
             {params.ARTICLE.name: article_id, share.POSITION_PARAM: st.query_params.get(share.POSITION_PARAM),
              params.TITLE.name: found_by or None},
             name="article",
             extra=[f'in the article "{heading}"'] if article_id else ())


def pick_position(rows):
    """The position a link pointed at (`?_pos=ID`), chosen again here; None when there is none."""
    placed = rows.drop_duplicates("position_id")
    raw = st.query_params.get(share.POSITION_PARAM)
    if raw and raw not in set(placed["position_id"]) and raw in set(df.loc[df["article_id"] != article_id, "position_id"]):
        st.query_params.pop(share.POSITION_PARAM)  # another article was chosen: its position stays behind
    names = {p: f"{highlight.position_label(r)} — {str(r['sentence'])[:80]}"
             for p, r in zip(placed["position_id"], placed.to_dict("records"), strict=True)}
    return view.choose("Position to mark and cite", list(names), share.POSITION_PARAM, None, optional=True,
                       labels=names)


def scroll_to(position_id) -> None:
    """Scroll the marked sentence into view once the article is drawn (st.html runs this small script;
    the id is built from the position id's letters and digits only)."""
    target = json.dumps(highlight.anchor_id(position_id))
    st.html(f"""<script>
(function () {{
  let tries = 0;
  const go = () => {{
    const el = window.document.getElementById({target});
    if (el) {{ el.scrollIntoView({{block: "center"}}); }} else if (tries++ < 50) {{ setTimeout(go, 150); }}
  }};
  setTimeout(go, 100);
}})();
</script>""", unsafe_allow_javascript=True)


def _open_row() -> None:
    """on_select: the chosen row's article becomes the page's `_article` (same tab, filters kept)."""
    chosen = st.session_state.get("articles_list", {}).get("selection", {}).get("rows", [])
    if chosen:
        st.query_params[params.ARTICLE.name] = str(offered["article_id"].iloc[chosen[0]])
        st.query_params.pop(share.POSITION_PARAM, None)


if meta is None:
    if not share.empty_state(filters, df) and found_by:
        st.info(share.md_line(f"No article's title holds “{found_by}”: change or clear the search above."),
                icon=":material/search_off:")
else:
    st.subheader(share.md(heading))
    st.caption(share.md(" · ".join(str(x) for x in (meta["outlet"], meta["published"]) if not share.missing(x))))
    if share.or_default(meta.get("url"), "").startswith(("http://", "https://")):
        st.link_button("Original article", meta["url"], icon=":material/open_in_new:")
    if rows.empty:
        st.info("No position of this article matches the filters; the text is shown without highlights.")
        focus = None
    else:
        focus = pick_position(rows)
    if focus is not None:
        row = rows[rows["position_id"] == focus].iloc[0]
        with st.container(border=True):
            st.markdown(f"**{share.md(highlight.position_label(row))}**  \n{share.md(why.explain(row))}  \n{share.md(highlight.position_why(row))}")
            st.caption("Copy citation")
            st.code(citation(row, meta), language=None, wrap_lines=True)
    st.html(highlight.legend())
    st.caption("Hover a highlighted sentence for its position and why it was extracted (cue, rule, confidence, "
               "review).")
    text = share.or_default(meta["text"], "")
    furniture = find_boilerplate(text, share.or_default(meta["title"], "") or None)
    show_all = view.switch("Show page furniture", FURNITURE_PARAM, disabled=not furniture,
                           help=f"{len(furniture)} lines of the page are not the article (share prompts, addresses, "
                                "breadcrumbs, a repeated headline); they are left out unless a position stands in them.")
    st.html(highlight.highlight(text, rows, focus=focus, hide=() if show_all else furniture))
    if focus is not None:
        scroll_to(focus)
    with st.expander(f"All {len(listed):,} articles with matching positions"):
        st.caption("Choose a row to open that article here." + (
            f" The table lists the {len(offered):,} articles the picker lists; the search above finds the others."
            if len(offered) < len(listed) else ""))
        table = offered[["published", "outlet", "title", "n_positions"]].reset_index(drop=True)
        st.dataframe(table, hide_index=True, width="stretch", key="articles_list", on_select=_open_row,
                     selection_mode="single-row")
