"""End to end in a real browser: Debian's Chromium driven by Playwright against `streamlit run app.py`
on loopback, with a database filled (through the library) from a few articles of ../shared/corpus.

Skips with a message when chromium or ../shared is absent, except in CI (PARLEY_REQUIRE_E2E=1),
where a missing piece is a failure. Screenshots go to artifacts/screenshots/.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core.paths import shared_dir
from tests.browser_support import chromium, missing, shot, streamlit_app
from ui.nav import PAGES

pytestmark = pytest.mark.e2e

SHARED = shared_dir()
N_ARTICLES = 10  # enough for every chart; a full corpus would make the test slow
SHOWING = re.compile(r"Showing ([\d,]+) positions?")


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> Path:
    corpus = SHARED / "corpus" / "articles.jsonl"
    if not corpus.is_file():
        missing(f"{corpus} is absent: the browser test needs ../shared/corpus beside the project")
    from core.ingest.ingest import ingest_articles
    from core.storage.store import open_store

    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp_path_factory.mktemp("e2e") / "parley.duckdb"
    summary = ingest_articles(open_store(path), rows[:N_ARTICLES])
    assert summary.counts()["new"] > 0, summary.details()
    return path


@pytest.fixture(scope="module")
def server(corpus_db):
    with streamlit_app(corpus_db, timeout=60) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _open(page, url: str) -> None:
    page.goto(url)
    _settle(page)


def _settle(page) -> None:
    """Wait until the script run finished: the sentence is drawn and the app reports no running script."""
    page.wait_for_selector("p.parley-showing", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(800)  # let plotly finish drawing before a screenshot


def _count(page) -> int:
    text = page.locator("p.parley-showing").first.inner_text()
    m = SHOWING.search(text)
    assert m, f"no 'Showing N positions' sentence in {text!r}"
    return int(m.group(1).replace(",", ""))


def _no_exception(page, where: str) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"{where}: Streamlit exception: {errors.first.inner_text()[:500]}"


def test_dashboard_in_a_real_browser(server, browser):
    """One test, several steps: under pytest-xdist the server and its database are built once."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        deep_link_on_a_fresh_server_runs_the_app(server, page)  # first: the server must not have run app.py yet
        every_page_opens_without_exception(server, page)
        stance_filter_in_the_url_narrows_the_view(server, page)
        sidebar_filter_changes_url_and_survives_navigation(server, page)
        share_link_is_the_full_address(server, page)
        article_is_highlighted_and_escaped(server, page)
        evidence_link_opens_in_place_at_the_sentence(server, page)
        unknown_page_says_so(server, page)
    finally:
        context.close()
    dark = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme="dark")
    try:
        readable_in_dark_theme(server, dark.new_page())
    finally:
        dark.close()


def deep_link_on_a_fresh_server_runs_the_app(server, page):
    """A shared link is often the first request after a restart: it must still get app.py's page menu."""
    _open(page, f"{server}/timeline?stance=demand")
    links = page.locator('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]')
    assert links.count() >= 8, "a deep link on a fresh server skipped app.py: no page menu in the sidebar"
    assert "stance is demand" in page.locator("p.parley-showing").first.inner_text()
    shot(page, "timeline_deep_link_first")


def every_page_opens_without_exception(server, page):
    for spec in PAGES:
        path = spec.path
        if not spec.counts:
            page.goto(f"{server}/{path}")
            page.wait_for_selector('[data-testid="stMain"]', timeout=60_000)
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                   timeout=60_000)
            page.wait_for_timeout(1500)  # a page without the sentence (Feeds, About): wait for its run to end
        else:
            _open(page, f"{server}/{path}")
            assert _count(page) > 0, f"/{path} shows no positions"
        _no_exception(page, f"/{path}")
        shot(page, path or "overview")


def stance_filter_in_the_url_narrows_the_view(server, page):
    _open(page, f"{server}/positions")
    everything = _count(page)
    _open(page, f"{server}/positions?stance=demand")
    demands = _count(page)
    assert 0 < demands < everything, (demands, everything)
    shot(page, "positions_stance_demand")


def sidebar_filter_changes_url_and_survives_navigation(server, page):
    _open(page, f"{server}/positions")
    before = _count(page)
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Stance")
    box.locator("input").click()
    page.keyboard.type("demand")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*stance=demand.*"), timeout=20_000)
    _settle(page)
    after = _count(page)
    assert after < before, (after, before)
    page.keyboard.press("Escape")
    page.locator('[data-testid="stSidebar"] a', has_text="Timeline").first.click()
    page.wait_for_url(re.compile(r".*/timeline\?.*stance=demand.*"), timeout=20_000)
    _settle(page)
    assert _count(page) == after
    assert "stance is demand" in page.locator("p.parley-showing").first.inner_text()
    _no_exception(page, "/timeline after navigation")
    shot(page, "timeline_after_navigation")


def share_link_is_the_full_address(server, page):
    _open(page, f"{server}/network?stance=demand&actor=Russia")
    page.get_by_text("Share this view").click()
    code = page.locator('[data-testid="stCode"]').first
    code.wait_for(timeout=10_000)
    assert code.inner_text().strip() == f"{server}/network?actor=Russia&stance=demand"
    shot(page, "network_share_link")


def article_is_highlighted_and_escaped(server, page):
    _open(page, f"{server}/articles")
    marks = page.locator("mark.parley-pos")
    assert marks.count() > 0, "the article shows no highlighted position"
    assert marks.first.get_attribute("title"), "a highlight carries its row as a hover title"
    _no_exception(page, "/articles")
    shot(page, "article_highlighted")


def evidence_link_opens_in_place_at_the_sentence(server, page):
    """A latest demand's link opens the article in the same tab, scrolled to its sentence, outlined."""
    _open(page, f"{server}/")
    link = page.locator('[data-testid="stMain"] a[target="_self"][href*="_pos="]').first
    if link.count() == 0:
        return  # no demand among these articles: nothing to follow
    pos = re.search(r"_pos=([A-Za-z0-9_-]+)", link.get_attribute("href")).group(1)
    pages_before = len(page.context.pages)
    link.click()
    page.wait_for_url(re.compile(rf".*/articles\?.*_pos={pos}.*"), timeout=20_000)
    _settle(page)
    assert len(page.context.pages) == pages_before, "the evidence opened a new tab"
    mark = page.locator(f"#pos-{pos}")
    mark.wait_for(timeout=20_000)
    page.wait_for_timeout(1500)  # the scroll script runs once the article is drawn
    box, height = mark.bounding_box(), page.viewport_size["height"]
    assert box and 0 <= box["y"] < height, f"the linked sentence is not in view: {box}"
    _no_exception(page, "/articles at a position")
    shot(page, "article_at_position")


def unknown_page_says_so(server, page):
    page.goto(f"{server}/nonexistent")
    page.get_by_text("There is no page /nonexistent").wait_for(timeout=30_000)
    assert page.locator("p.parley-showing").count() == 0, "an unknown page showed the Overview as if asked for"
    shot(page, "unknown_page")


def readable_in_dark_theme(server, page):
    for path in ("", "articles", "issues"):
        _open(page, f"{server}/{path}")
        _no_exception(page, f"/{path} (dark)")
        shot(page, f"dark_{path or 'overview'}")
