"""What the browser tests share: Debian's Chromium under Playwright and `streamlit run app.py` on loopback.

A missing piece skips the test with a message, except in CI (PARLEY_REQUIRE_E2E=1), where it fails.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.browser import CHROMIUM, CHROMIUM_ARGS, free_port, wait_healthy
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
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    with open(db.parent / "streamlit.log", "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PARLEY_DB": str(db)},
                                stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_healthy(base, proc, timeout)
            except RuntimeError as e:
                raise RuntimeError(f"{e}; see streamlit.log beside the test database") from None
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
