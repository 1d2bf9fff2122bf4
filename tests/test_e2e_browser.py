"""End to end in a real browser: Debian's Chromium driven by Playwright against `streamlit run app.py`
on loopback, with a database filled (through the library) from a few articles of ../shared/corpus.

Skips with a message when chromium or ../shared is absent, except in CI (PARLEY_REQUIRE_E2E=1),
where a missing piece is a failure. Screenshots go to artifacts/screenshots/.
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PARLEY_SHARED", ROOT.parent / "shared"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "artifacts" / "screenshots"
N_ARTICLES = 10  # enough for every chart; a full corpus would make the test slow
PAGES = ["", "timeline", "actors", "issues", "network", "positions", "articles", "ingest",
         "review", "shifts", "about"]
COLLEAGUE_PAGES = {"review", "shifts", "about"}  # listed only when their page file exists
SHOWING = re.compile(r"Showing ([\d,]+) positions?")


def _missing(reason: str):
    if os.environ.get("PARLEY_REQUIRE_E2E"):
        pytest.fail(f"browser test required in CI but cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> Path:
    corpus = SHARED / "corpus" / "articles.jsonl"
    if not corpus.is_file():
        _missing(f"{corpus} is absent: the browser test needs ../shared/corpus beside the project")
    from core.ingest import ingest_articles
    from core.store import open_store

    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp_path_factory.mktemp("e2e") / "parley.duckdb"
    summary = ingest_articles(open_store(path), rows[:N_ARTICLES])
    assert summary.counts()["new"] > 0, summary.details()
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(corpus_db):
    port = _free_port()
    env = {**os.environ, "PARLEY_DB": str(corpus_db)}
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    log = open(corpus_db.parent / "streamlit.log", "wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait_healthy(base: str, proc, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not answer /_stcore/health within a minute")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"{CHROMIUM} is absent (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


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


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_dashboard_in_a_real_browser(server, browser):
    """One test, several steps: under pytest-xdist the server and its database are built once."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        every_page_opens_without_exception(server, page)
        stance_filter_in_the_url_narrows_the_view(server, page)
        sidebar_filter_changes_url_and_survives_navigation(server, page)
        share_link_is_the_full_address(server, page)
        article_is_highlighted_and_escaped(server, page)
    finally:
        context.close()
    dark = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme="dark")
    try:
        readable_in_dark_theme(server, dark.new_page())
    finally:
        dark.close()


def every_page_opens_without_exception(server, page):
    for path in PAGES:
        if path in COLLEAGUE_PAGES and not (ROOT / "pages" / f"{path}.py").is_file():
            continue
        if path in COLLEAGUE_PAGES:
            page.goto(f"{server}/{path}")
            page.wait_for_selector('[data-testid="stMain"]', timeout=60_000)
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                   timeout=60_000)
            page.wait_for_timeout(1500)  # a colleague's page need not carry the sentence
        else:
            _open(page, f"{server}/{path}")
            assert _count(page) > 0, f"/{path} shows no positions"
        _no_exception(page, f"/{path}")
        _shot(page, path or "overview")


def stance_filter_in_the_url_narrows_the_view(server, page):
    _open(page, f"{server}/positions")
    everything = _count(page)
    _open(page, f"{server}/positions?stance=demand")
    demands = _count(page)
    assert 0 < demands < everything, (demands, everything)
    _shot(page, "positions_stance_demand")


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
    _shot(page, "timeline_after_navigation")


def share_link_is_the_full_address(server, page):
    _open(page, f"{server}/network?stance=demand&actor=Russia")
    page.get_by_text("Share this view").click()
    code = page.locator('[data-testid="stCode"]').first
    code.wait_for(timeout=10_000)
    assert code.inner_text().strip() == f"{server}/network?actor=Russia&stance=demand"
    _shot(page, "network_share_link")


def article_is_highlighted_and_escaped(server, page):
    _open(page, f"{server}/articles")
    marks = page.locator("mark.parley-pos")
    assert marks.count() > 0, "the article shows no highlighted position"
    assert marks.first.get_attribute("title"), "a highlight carries its row as a hover title"
    _no_exception(page, "/articles")
    _shot(page, "article_highlighted")


def readable_in_dark_theme(server, page):
    for path in ("", "articles", "issues"):
        _open(page, f"{server}/{path}")
        _no_exception(page, f"/{path} (dark)")
        _shot(page, f"dark_{path or 'overview'}")
