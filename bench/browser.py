"""What the browser benchmarks share: Debian's Chromium under Playwright and `streamlit run app.py` on loopback.

Everything stays on this machine: the server listens on 127.0.0.1 only, and Chromium
(/usr/bin/chromium) is started without background networking. A page's time runs from navigation
until its "Showing …" sentence is drawn, the app reports no running script, and every plotly chart on the
page has drawn its figure (the sentence comes before the charts, which are drawn in the browser after it).
"""
from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling out, and this machine refuses it.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PAGE_TIMEOUT_MS = 120_000
DRAWN = "p.parley-showing, [data-testid='stException'], [data-testid='stAlertContentError']"
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
CHARTS_DRAWN = ("() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
                ".every(c => c.querySelector('.main-svg'))")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path | None, log: Path, script: Path = ROOT / "app.py") -> tuple[subprocess.Popen, str]:
    """`streamlit run` of `script` (Parley's app.py over `db`, or another script) on a free loopback port."""
    port = free_port()
    env = {**os.environ, **({"PARLEY_DB": str(db)} if db else {})}
    proc = subprocess.Popen(streamlit_command(script, port), cwd=script.parent, env=env, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, 120)
    except RuntimeError as e:
        proc.terminate()
        raise SystemExit(f"{e}; see {log}") from None
    return proc, base


def streamlit_command(script: Path, port: int) -> list[str]:
    """`streamlit run script`, headless, on loopback only, without usage statistics."""
    return [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float) -> None:
    """Until the server answers /_stcore/health (RuntimeError if it exits or stays silent past `timeout` s)."""
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
    raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


async def launch(pw):
    """Headless Debian Chromium under Playwright (async API)."""
    return await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


async def until_drawn(page, start: float, selector: str | None = None) -> tuple[float, str | None]:
    """Seconds since `start` until the page's sentence (or `selector`) is drawn, no script runs and every
    chart is drawn; an error text, or None."""
    try:
        await page.wait_for_selector(selector or DRAWN, timeout=PAGE_TIMEOUT_MS)
        await page.wait_for_function(IDLE, timeout=PAGE_TIMEOUT_MS)
        await page.wait_for_function(CHARTS_DRAWN, timeout=PAGE_TIMEOUT_MS)
    except Exception as err:  # a timeout or a dropped connection: counted as an error, the run goes on
        return time.perf_counter() - start, f"{type(err).__name__}: {str(err).splitlines()[0][:120]}"
    elapsed = time.perf_counter() - start
    bad = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
    if await bad.count():
        return elapsed, (await bad.first.inner_text())[:160]
    return elapsed, None


async def load_page(page, url: str, selector: str | None = None) -> tuple[float, str | None]:
    """Navigate to `url`: seconds until the page's sentence is drawn and no script runs; an error text, or None."""
    start = time.perf_counter()
    try:
        await page.goto(url, timeout=PAGE_TIMEOUT_MS)
    except Exception as err:
        return time.perf_counter() - start, f"{type(err).__name__}: {str(err).splitlines()[0][:120]}"
    return await until_drawn(page, start, selector)


async def reload_page(page, selector: str | None = None) -> tuple[float, str | None]:
    """The browser's reload of the page it shows (a new session on the server, its caches warm)."""
    start = time.perf_counter()
    try:
        await page.reload(timeout=PAGE_TIMEOUT_MS)
    except Exception as err:
        return time.perf_counter() - start, f"{type(err).__name__}: {str(err).splitlines()[0][:120]}"
    return await until_drawn(page, start, selector)


async def warm_up(browser, url: str, selector: str | None = None) -> None:
    """Open `url` once in a throwaway context: the server's imports and first run, not measured."""
    context = await browser.new_context()
    await load_page(await context.new_page(), url, selector)
    await context.close()


async def first_and_reloads(page, url: str, reloads: int, selector: str | None = None) -> tuple[float, float | None, list]:
    """(first view, median reload, error texts) of `url` in `page`."""
    first, err = await load_page(page, url, selector)
    again = [await reload_page(page, selector) for _ in range(reloads)]
    errors = [e for e in [err, *(e for _, e in again)] if e]
    return first, statistics.median(t for t, _ in again) if again else None, errors


async def busy_first_and_reloads(context, url: str, reloads: int,
                                 selector: str | None = None) -> tuple[float, float, float, float]:
    """(first view, its main-thread seconds, median reload, its median main-thread seconds) of `url` in a new page.

    Main-thread seconds: what Chromium's renderer spent on the document (script, style, layout, paint) until it
    was drawn. On this shared machine it is steadier than the wall time, which waits for the other processes."""
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Performance.enable")
    first, _ = await load_page(page, url, selector)
    first_busy = await main_thread_seconds(cdp)
    again = []
    for _ in range(reloads):
        elapsed, _ = await reload_page(page, selector)
        again.append((elapsed, await main_thread_seconds(cdp)))
    return (first, first_busy, statistics.median(t for t, _ in again), statistics.median(b for _, b in again))


async def main_thread_seconds(cdp) -> float:
    """The renderer's busy time for the document shown (Chromium starts counting again at each navigation)."""
    metrics = (await cdp.send("Performance.getMetrics"))["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration")
