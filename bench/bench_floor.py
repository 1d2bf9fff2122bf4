"""What Streamlit and plotly cost in Chromium on this machine before Parley does anything (run by hand):
tiny apps with nothing but a sentence, then one and four plotly charts, then a 1,000-row table, measured
as bench_browser.py measures Parley's pages (first view in a new browser context, median reload).

    python bench/bench_floor.py [--reloads 3] [--db PATH]

With --db (a Parley database, e.g. bench_browser's grown_100000.duckdb), three more apps: Parley's
navigation alone, with the sidebar's page links, then with the links and the filters over that database,
so the shell every page shares is measured apart from the pages' bodies, and each part of it apart.
Every app runs with Parley's .streamlit/config.toml. Beside each time, "busy": the seconds Chromium's
main thread spent on the document until it was drawn (steadier than the wall time on a shared machine;
a chart still drawing after the sentence is not in either).

A Parley page's time minus the matching floor is what Parley itself can still cut: the page targets of
issue 15 (first view 1.5 s, reload 1 s) are only reachable where the floor leaves room for them.
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.browser import ROOT, busy_first_and_reloads, launch, start_server, stop_server, warm_up  # noqa: E402

SENTENCE = "st.markdown('<p class=\"parley-showing\">Showing 1 position.</p>', unsafe_allow_html=True)\n"
APPS = {
    "a sentence only": "",
    "+ 1 plotly chart (300 dots)": "charts(1)\n",
    "+ 4 plotly charts": "charts(4)\n",
    "+ a 1,000-row table": "st.dataframe(pd.DataFrame({'a': range(1000), 'b': ['text'] * 1000}))\n",
}
PRELUDE = """import pandas as pd
import plotly.graph_objects as go
import streamlit as st


def charts(n):
    for k in range(n):
        st.plotly_chart(go.Figure(go.Scatter(x=list(range(300)), y=[(i * 37) % 101 for i in range(300)],
                                             mode="markers")), key=f"chart{k}")


"""


SHELL = f"""import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from ui import nav, sidebar
st.set_page_config(page_title="Parley", layout="wide")
pages = nav.st_pages(list(nav.PAGES))
st.navigation(pages, position="hidden")
"""
SHELL_APPS = {
    "Parley's navigation": "",
    "+ page links": "sidebar.carry_filters()\nnav.sidebar_links(pages)\n",
    "+ page links and filters": "sidebar.carry_filters()\nnav.sidebar_links(pages)\nsidebar.filters()\n",
}


async def measure(browser, script: Path, reloads: int, db: Path | None = None) -> tuple[float, float, float, float]:
    """(first view, its main-thread seconds, median reload, its main-thread seconds) of `script`'s app."""
    server, base = start_server(db, script.with_suffix(".log"), script)
    try:
        await warm_up(browser, base)   # the server's imports, not measured (as bench_browser does)
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        out = await busy_first_and_reloads(context, base, reloads)
        await context.close()
        return out
    finally:
        stop_server(server)


async def main_async(reloads: int, db: Path | None) -> None:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="parley-floor-") as tmp:
        # Parley's own server settings (no file watcher, no gc after each run), which are read from the app's folder
        shutil.copytree(ROOT / ".streamlit", Path(tmp) / ".streamlit")
        async with async_playwright() as pw:
            browser = await launch(pw)
            try:
                print(f"{'app':<32} {'first':>6} {'busy':>5} {'reload':>7} {'busy':>5}   (busy: Chromium main thread, s)")
                for k, (name, body) in enumerate(APPS.items()):
                    script = Path(tmp) / f"floor_{k}.py"
                    script.write_text(PRELUDE + SENTENCE + body)
                    first, first_busy, reload, reload_busy = await measure(browser, script, reloads)
                    print(f"{name:<32} {first:6.2f} {first_busy:5.2f} {reload:7.2f} {reload_busy:5.2f}", flush=True)
                for k, (name, body) in enumerate(SHELL_APPS.items() if db else ()):
                    script = Path(tmp) / f"shell_{k}.py"
                    script.write_text(SHELL + body + SENTENCE)
                    first, first_busy, reload, reload_busy = await measure(browser, script, reloads, db)
                    print(f"{name:<32} {first:6.2f} {first_busy:5.2f} {reload:7.2f} {reload_busy:5.2f}", flush=True)
            finally:
                await browser.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reloads", type=int, default=3, help="reloads per app (median)")
    ap.add_argument("--db", type=Path, help="a Parley database: also measure Parley's navigation and sidebar over it")
    args = ap.parse_args()
    asyncio.run(main_async(args.reloads, args.db))
    return 0


if __name__ == "__main__":
    sys.exit(main())
