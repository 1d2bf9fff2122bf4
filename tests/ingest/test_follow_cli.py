"""`python -m core feeds …` and `follow`, end to end: a loopback news site, a real database file,
the real extractor, the dashboard (AppTest) reading what the follower wrote."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.cli import main
from core.cli.feed_commands import parse_interval
from tests import feed_site
from tests.dashboard_data import ROOT


@pytest.fixture(scope="module")
def site():
    srv, site = feed_site.serve()
    yield site
    srv.shutdown()


@pytest.fixture
def env(site, tmp_path, monkeypatch):
    db = tmp_path / "parley.duckdb"
    monkeypatch.setenv("PARLEY_FETCH_ALLOW", site.base.removeprefix("http://"))
    monkeypatch.setenv("PARLEY_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield site, db
    st.cache_data.clear()
    st.cache_resource.clear()


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_feeds_add_list_remove(env, capsys):
    site, db = env
    url = site.url("/atom.xml")
    assert cli(capsys, "feeds", "add", url, "ftp://x.example/feed", "--db", str(db))[2].splitlines() == [
        f"{url}: added", "ftp://x.example/feed: only http(s) URLs can be followed"]
    assert f"{url}: already followed" in cli(capsys, "feeds", "add", url, "--db", str(db))[2]
    code, out, _ = cli(capsys, "feeds", "list", "--db", str(db))
    assert code == 0 and out.startswith(f"{url}\tnever fetched")
    assert cli(capsys, "feeds", "remove", url, "--db", str(db))[2] == f"{url}: removed\n"
    assert "no feeds" in cli(capsys, "feeds", "list", "--db", str(db))[2]
    assert cli(capsys, "feeds", "remove", "--db", str(db))[0] == 2  # no URL given


def test_follow_once_then_dashboard_then_nothing_new(env, capsys):
    site, db = env
    cli(capsys, "feeds", "add", site.url("/rss.xml"), site.url("/news-sitemap.xml"))
    code, out, _ = cli(capsys, "follow", "--once", "--delay", "0", "--notify", site.url("/hook"))
    assert code == 0
    assert "3 articles added" in out and "Since " in out and "new positions from 3 new articles" in out
    assert site.posted and site.posted[-1]["text"] == out.strip()  # the same summary, as {"text": ...}
    stats = cli(capsys, "stats")[1]
    assert "articles   3" in stats and "feeds      2 (0 failing)" in stats and "3 articles added" in stats

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(h.value.startswith("Since the last follow run") for h in at.subheader)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["New articles"] == "3" and int(metrics["New positions"]) >= 5
    at.query_params["since"] = "2999-01-01"  # a day after everything: nothing is new since then
    at.run()
    assert {m.label: m.value for m in at.metric}["New articles"] == "0"
    at.query_params["since"] = "last tuesday"
    at.run()
    assert any("is not a date" in w.value for w in at.warning), [w.value for w in at.warning] + [h.value for h in at.subheader] + [str(at.query_params)]
    assert any(h.value.startswith("Since the last follow run") for h in at.subheader)
    at.date_input[0].set_value(dt.date(2026, 1, 1))
    at.run()
    assert at.query_params["since"] in ("2026-01-01", ["2026-01-01"])  # the pick is in the URL, to share
    assert any(h.value == "Since 2026-01-01" for h in at.subheader)

    feeds_page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    feeds_page.run()
    feeds_page.switch_page("app_pages/feeds.py")
    feeds_page.run()
    assert not feeds_page.exception, [e.value for e in feeds_page.exception]
    table = feeds_page.dataframe[0].value
    assert sorted(table["articles_added"]) == [1, 2] and set(table["health"]) == {"ok", "ok, with notes"}

    code, again, _ = cli(capsys, "follow", "--once", "--delay", "0")
    assert "0 articles added" in again and "articles   3" in cli(capsys, "stats")[1]


def test_feeds_page_adds_and_removes_a_feed(env):
    site, _ = env
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/feeds.py")
    at.run()
    at.text_area[0].input(site.url("/atom.xml") + "\nnot a url")
    at.button[0].click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.dataframe[0].value["url"].tolist() == [site.url("/atom.xml")]
    assert at.dataframe[0].value["health"].tolist() == ["never fetched"]
    assert any("can be followed" in w.value for w in at.warning)  # "not a url" refused, said why
    at.multiselect[0].select(site.url("/atom.xml"))
    at.button[1].click()
    at.run()
    assert any("removed" in s.value for s in at.success) and not at.dataframe


@pytest.mark.slow
def test_follow_every_stops_cleanly_on_sigterm(env, tmp_path):
    site, db = env
    main(["feeds", "add", site.url("/empty-feed.xml"), "--db", str(db)])
    proc = subprocess.Popen([sys.executable, "-m", "core", "follow", "--every", "1s", "--delay", "0", "--db", str(db)],
                            cwd=ROOT, env={**os.environ}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 15
        while len(site.hits("/empty-feed.xml")) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)  # two cycles: it runs again after the interval
        assert len(site.hits("/empty-feed.xml")) >= 2
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 0 and "stopped" in err
    assert out.count("1 feeds fetched") >= 2


def test_follow_without_feeds_says_how_to_add_one(env, capsys):
    code, out, err = cli(capsys, "follow", "--once")
    assert code == 0 and "0 feeds fetched" in out and "feeds add URL" in err


def test_intervals():
    assert parse_interval("15m") == 900 and parse_interval("1h") == 3600 and parse_interval("90") == 90
    assert parse_interval("soon") is None
    assert main(["follow", "--every", "soon"]) == 2


SINCE_SCRIPT = """
import datetime as dt, sys
from core.ingest.feeds import articles_added_since, utcnow
from core.ingest.ingest import ingest_articles
from core.storage.store import open_store
from tests.dashboard_data import fake_extract
store = open_store(sys.argv[1])
before = utcnow() - dt.timedelta(seconds=5)
ingest_articles(store, [{"article_id": "a", "text": "Russia demanded talks.", "published": "2026-12-01"}],
                extract=fake_extract)
print(articles_added_since(store, before), articles_added_since(store, before + dt.timedelta(minutes=30)))
"""


@pytest.mark.slow
@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_new_since_holds_on_a_machine_not_on_utc(tmp_path, zone):
    # articles.created_at is written in the machine's zone; "since" is UTC: an hour off would show old news as new
    out = subprocess.run([sys.executable, "-c", SINCE_SCRIPT, str(tmp_path / "tz.duckdb")], cwd=ROOT, timeout=60,
                         env={**os.environ, "TZ": zone}, capture_output=True, text=True)
    assert out.stdout.strip() == "['a'] []", out.stderr


@pytest.mark.subprocess
def test_a_full_disk_stops_the_follow_run_says_so_and_loses_nothing(env, capsys):
    import resource

    from core.storage.store import open_store

    site, db = env
    cli(capsys, "feeds", "add", site.url("/rss.xml"), "--db", str(db))
    limit = db.stat().st_size + 100_000   # room for the write-ahead log, none for the checkpoint's new blocks

    def capped():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a refused write, as on a full disk, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    follow = [sys.executable, "-m", "core", "follow", "--once", "--delay", "0", "--db", str(db)]
    done = subprocess.run(follow, cwd=ROOT, capture_output=True, text=True, timeout=300, preexec_fn=capped)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "STOPPED: the disk refused to write the database" in done.stdout and "free some space" in done.stdout
    stored = open_store(db, read_only=True).counts()["articles"]
    assert stored >= 1                                     # what was written waits in the write-ahead log
    again = subprocess.run(follow, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "0 articles added" in again.stdout, again.stdout + again.stderr
    assert open_store(db, read_only=True).counts()["articles"] == stored
