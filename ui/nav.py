"""The pages, their stable URL paths, and sidebar links that carry the current filters."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.filters import from_query, to_query
from ui.cache import reviewed_params
from ui.share import image_params


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    path: str   # URL path: "" is the root
    icon: str
    counts: bool = True  # the page starts with "Showing N positions: …" (the Feeds and About pages do not)


PAGES = (
    PageSpec("app_pages/overview.py", "Overview", "", ":material/dashboard:"),
    PageSpec("app_pages/timeline.py", "Timeline", "timeline", ":material/timeline:"),
    PageSpec("app_pages/actors.py", "Actors", "actors", ":material/groups:"),
    PageSpec("app_pages/issues.py", "Issues", "issues", ":material/table_chart:"),
    PageSpec("app_pages/network.py", "Network", "network", ":material/hub:"),
    PageSpec("app_pages/positions.py", "Positions", "positions", ":material/format_list_bulleted:"),
    PageSpec("app_pages/articles.py", "Articles", "articles", ":material/article:"),
    PageSpec("app_pages/ingest.py", "Ingest", "ingest", ":material/upload_file:"),
    PageSpec("app_pages/feeds.py", "Feeds", "feeds", ":material/rss_feed:", counts=False),
    PageSpec("app_pages/review.py", "Review", "review", ":material/fact_check:"),
    PageSpec("app_pages/shifts.py", "Shifts", "shifts", ":material/swap_horiz:"),
    PageSpec("app_pages/about.py", "About", "about", ":material/info:", counts=False),
)


def st_pages(specs: list[PageSpec]) -> list[st.Page]:
    return [st.Page(p.file, title=p.title, icon=p.icon, url_path=p.path or None, default=not p.path)
            for p in specs]


def sidebar_links(pages: list[st.Page]) -> None:
    """Page links that keep the filters of this view (Streamlit's own menu would drop them)."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    # the "reviewed positions only" switch narrows every page's rows, so it travels with the filters;
    # and so does the charts' image format (`_image=svg`); the other page controls (`_count`, `_actor`…)
    # belong to their page and stay behind
    carried = {**to_query(from_query(params)), **reviewed_params(), **image_params()}
    with st.sidebar:
        for page in pages:
            st.page_link(page, query_params=carried or None)
        st.divider()


def missing_page(requested: str | None, specs: list[PageSpec]) -> str | None:
    """The URL path asked for when no page has it (`/nonexistent`), else None. Streamlit runs the default
    page for an unknown path; the app says so instead of showing the Overview as if it had been asked for."""
    name = (requested or "").strip("/")
    if not name or name in {p.path for p in specs}:
        return None
    return name


def requested_page() -> str | None:
    """The page name the browser's URL asked for in this run (empty for the root); None when unknown."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        manager = getattr(ctx, "pages_manager", None)
        return getattr(manager, "intended_page_name", None) if manager is not None else None
    except Exception:  # noqa: BLE001 - an internal API: without it the app behaves as before
        return None
