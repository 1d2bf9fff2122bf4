"""What the browser tests share: Debian's Chromium under Playwright and `streamlit run app.py` on loopback.

A missing piece skips the test with a message, except in CI (PARLEY_REQUIRE_E2E=1), where it fails.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

import pytest

from bench.browser import CHROMIUM, CHROMIUM_ARGS, free_port, stop_server, streamlit_command, wait_healthy
from core.paths import ROOT

SHOTS = ROOT / "artifacts" / "screenshots"


def missing(reason: str):
    if os.environ.get("PARLEY_REQUIRE_E2E"):
        pytest.fail(f"browser test required in CI but cannot run: {reason}")
    pytest.skip(reason)


@contextlib.contextmanager
def chromium():
    """A headless Chromium browser, closed afterwards."""
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} is absent (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def streamlit_app(db: Path, *, timeout: float = 90):
    """`streamlit run app.py` against the database `db`; yields its base URL."""
    port = free_port()
    with open(db.parent / "streamlit.log", "wb") as log:
        proc = subprocess.Popen(streamlit_command(ROOT / "app.py", port), cwd=ROOT, env={**os.environ, "PARLEY_DB": str(db)},
                                stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_healthy(base, proc, timeout)
            except RuntimeError as e:
                raise RuntimeError(f"{e}; see streamlit.log beside the test database") from None
            yield base
        finally:
            stop_server(proc)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
