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
from core.present.labels import STANCE_VERBS
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
        board = demand_and_answer_on_the_board(server, page)
    finally:
        context.close()
    shared_board_reopens_in_a_fresh_context(server, browser, board)
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


# The analyst's first question (issue 15): what did Russia demand of NATO in December 2021 - February 2022,
# and what did NATO and the United States answer? Asked through the URL alone, as a shared link would.
BOARD = ("/issues?from=2021-12-01&to=2022-02-28&_issue=nato_enlargement&_side_a=Russia"
         "&_side_b=NATO,United%20States,West")


def _board_moves(page):
    """The board's move boxes: the innermost blocks (a move's bordered container) that hold a date."""
    inner = page.locator('[data-testid="stMain"] [data-testid="stVerticalBlock"]:not(:has([data-testid="stVerticalBlock"]))')
    verbs = "|".join(map(re.escape, STANCE_VERBS.values()))
    return inner.filter(has_text=re.compile(rf"\b({verbs})\b")).filter(
        has_text=re.compile(r"\d{4}-\d{2}"))


def demand_and_answer_on_the_board(server, page):
    """A Russian demand of December 2021 is on the board with the other side's answers under it, and an
    answer's evidence link lands on its sentence, outlined, in this tab."""
    _open(page, server + BOARD)
    _no_exception(page, "/issues board")
    page.get_by_text("Side B: NATO + United States + West").wait_for(timeout=20_000)
    answered = _board_moves(page).filter(has_text="Russia demands").filter(has_text="answers:")
    dated = answered.filter(has_text="2021-12")
    assert dated.count() > 0, "no Russian demand of December 2021 with an answer on the board"
    shot(page, "board_december_demand")
    seen = _board_view(page)
    link = dated.first.locator('li a[target="_self"][href*="_pos="]').first
    pos = re.search(r"_pos=([A-Za-z0-9_-]+)", link.get_attribute("href")).group(1)
    link.click()
    page.wait_for_url(re.compile(rf".*/articles\?.*_pos={pos}.*"), timeout=20_000)
    _settle(page)
    mark = page.locator(f"#pos-{pos}")
    mark.wait_for(timeout=20_000)
    page.wait_for_timeout(1500)  # the scroll script runs once the article is drawn
    box = mark.bounding_box()
    assert box and 0 <= box["y"] < page.viewport_size["height"], f"the answer's sentence is not in view: {box}"
    return seen


def _board_view(page) -> tuple[int, int, str]:
    moves = _board_moves(page)
    return _count(page), moves.count(), moves.first.inner_text() if moves.count() else ""


def shared_board_reopens_in_a_fresh_context(server, browser, seen):
    """The board's address opened by someone else (no cookies, no session) shows the same count and moves."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        _open(page, server + BOARD)
        assert _board_view(page) == seen, "the shared board differs in a fresh browser"
    finally:
        context.close()


def readable_in_dark_theme(server, page):
    for path in ("", "articles", "issues"):
        _open(page, f"{server}/{path}")
        _no_exception(page, f"/{path} (dark)")
        shot(page, f"dark_{path or 'overview'}")
