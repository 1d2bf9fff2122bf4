"""Parley's dashboard: `streamlit run app.py`.

Registers the pages under stable URL paths, fills an empty database with the
bundled sample article, and draws a page menu that keeps the filters.
"""
import streamlit as st

from core.storage.store import StoreError
from ui import cache, nav, sidebar

st.set_page_config(page_title="Parley", page_icon=":material/forum:", layout="wide")

specs = list(nav.PAGES)
pages = nav.st_pages(specs)
current = st.navigation(pages, position="hidden")
unknown = nav.missing_page(nav.requested_page(), specs)

try:
    if cache.is_empty() and not cache.read_only():
        # A fresh clone must start showing something: extract the sample article once.
        with st.spinner("First run: extracting positions from the bundled sample article…"):
            cache.load_sample()
    sidebar.carry_filters()
    nav.sidebar_links(pages)
    if unknown:
        st.title("Page not found")
        st.error(f"There is no page /{unknown} in Parley. Choose a page in the sidebar: "
                 + ", ".join(f"/{p.path}" for p in specs) + ".", icon=":material/link_off:")
        st.page_link(pages[0], label="Open the Overview", icon=":material/dashboard:")
    else:
        current.run()
except StoreError as err:
    # Another process (an ingest from the command line) holding the database is a state, not a crash.
    st.error(f"{err}", icon=":material/database:")
    st.button("Try again", type="primary")
