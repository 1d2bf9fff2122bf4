"""/review, /shifts and /about in a real browser (Debian's Chromium driven by Playwright), against
`streamlit run app.py` on loopback over the small hand-written database of test_review_pages.
A reviewer gives a name, accepts a position, and the decision shows in the counts and the audit trail.
Skips when chromium is absent, except in CI (PARLEY_REQUIRE_E2E=1)."""
from __future__ import annotations

import pytest

from core.ingest.ingest import ingest_articles
from core.storage.store import open_store
from tests.browser_support import chromium, shot, streamlit_app
from tests.ui.test_review_pages import ARTICLES, fake_extract

pytestmark = pytest.mark.e2e

WAIT = 60_000  # ms; the machine is shared


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("review_e2e") / "parley.duckdb"
    ingest_articles(open_store(db), ARTICLES, extract=fake_extract)
    with streamlit_app(db) as base:
        yield base


@pytest.fixture(scope="module")
def page(server):
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        yield context.new_page()
        context.close()


def _settle(page, marker: str = "p.parley-showing") -> None:
    """Wait until the run finished: the page's first content is drawn and no script is running."""
    page.wait_for_selector(marker, timeout=WAIT)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT)
    page.wait_for_timeout(800)
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()[:500]


def test_review_shifts_about_in_a_browser(server, page):
    page.goto(f"{server}/review")
    _settle(page)
    main = page.locator('[data-testid="stMain"]')
    assert "Showing 4 positions" in main.inner_text()
    page.get_by_label("Your name, for the audit trail").fill("Ann")
    page.get_by_role("button", name="Start reviewing").click()
    page.get_by_text("Reviewing as").wait_for(timeout=WAIT)
    _settle(page)
    shot(page, "review_queue")
    page.get_by_role("button", name="Accept").first.click()
    page.get_by_text("1 accepted").wait_for(timeout=WAIT)
    _settle(page)
    page.get_by_role("tab", name="Audit trail").click()
    page.get_by_text("1 decision").first.wait_for(timeout=WAIT)
    shot(page, "review_after_accept")

    page.goto(f"{server}/shifts?actor=Ukraine")
    _settle(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "1 shift found" in text and "opened" in text
    assert "Kyiv rejected talks with Moscow." in text and "Kyiv said it was open to talks with Moscow." in text
    shot(page, "shifts_ukraine")

    page.goto(f"{server}/about")
    _settle(page, "text=How far to trust each stance")
    assert "How far to trust each stance" in page.locator('[data-testid="stMain"]').inner_text()
    shot(page, "about")
