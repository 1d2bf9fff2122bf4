"""/review, /shifts and /about in a real browser (Debian's Chromium driven by Playwright), against
`streamlit run app.py` on loopback over the small hand-written database of test_review_pages.
A reviewer gives a name, accepts a position, and the decision shows in the counts and the audit trail.
Skips when chromium is absent, except in CI (PARLEY_REQUIRE_E2E=1)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.ingest import ingest_articles
from core.store import open_store
from tests.test_review_pages import ARTICLES, fake_extract

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "artifacts" / "screenshots"
WAIT = 60_000  # ms; the machine is shared


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        if os.environ.get("PARLEY_REQUIRE_E2E"):
            pytest.fail(f"{CHROMIUM} is absent and the browser test is required")
        pytest.skip(f"{CHROMIUM} is absent (apt-get install -y chromium)")
    db = tmp_path_factory.mktemp("review_e2e") / "parley.duckdb"
    ingest_articles(open_store(db), ARTICLES, extract=fake_extract)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(db.parent / "streamlit.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, "PARLEY_DB": str(db)}, stdout=log, stderr=subprocess.STDOUT)
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


def _wait_healthy(base: str, proc, timeout: float = 90) -> None:
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
    raise RuntimeError("streamlit did not answer /_stcore/health in time")


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        yield context.new_page()
        context.close()
        browser.close()


def _settle(page, marker: str = "p.parley-showing") -> None:
    """Wait until the run finished: the page's first content is drawn and no script is running."""
    page.wait_for_selector(marker, timeout=WAIT)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT)
    page.wait_for_timeout(800)
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()[:500]


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_review_shifts_about_in_a_browser(server, page):
    page.goto(f"{server}/review")
    _settle(page)
    main = page.locator('[data-testid="stMain"]')
    assert "Showing 4 positions" in main.inner_text()
    page.get_by_label("Your name, for the audit trail").fill("Ann")
    page.get_by_role("button", name="Start reviewing").click()
    page.get_by_text("Reviewing as").wait_for(timeout=WAIT)
    _settle(page)
    _shot(page, "review_queue")
    page.get_by_role("button", name="Accept").first.click()
    page.get_by_text("1 accepted").wait_for(timeout=WAIT)
    _settle(page)
    page.get_by_role("tab", name="Audit trail").click()
    page.get_by_text("1 decision").first.wait_for(timeout=WAIT)
    _shot(page, "review_after_accept")

    page.goto(f"{server}/shifts?actor=Ukraine")
    _settle(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "1 shift found" in text and "opened" in text
    assert "Kyiv rejected talks with Moscow." in text and "Kyiv said it was open to talks with Moscow." in text
    _shot(page, "shifts_ukraine")

    page.goto(f"{server}/about")
    _settle(page, "text=How far to trust each stance")
    assert "How far to trust each stance" in page.locator('[data-testid="stMain"]').inner_text()
    _shot(page, "about")
