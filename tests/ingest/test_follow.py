"""Following feeds against a real loopback news site (tests/feed_site.py), a real DuckDB file and
the real extractor: what is stored, what is refused and why, and what a second run does."""
from __future__ import annotations

import datetime as dt

import pytest

from core.ingest import feeds as F
from core.ingest.follow import FollowOptions, follow_once
from core.storage.store import open_store
from tests import feed_site


@pytest.fixture(scope="module")
def site():
    srv, site = feed_site.serve()
    yield site
    srv.shutdown()


@pytest.fixture
def allowed(site, monkeypatch):
    monkeypatch.setenv("PARLEY_FETCH_ALLOW", site.base.removeprefix("http://"))
    return site


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path / "parley.duckdb")


def run(store, **kw):
    return follow_once(store, FollowOptions(delay=0, timeout=kw.pop("timeout", 2.0), **kw))


def feed_row(store, url):
    df = F.list_feeds(store)
    return df[df["url"] == url].iloc[0].to_dict()


def test_loopback_feed_is_refused_without_the_setting(site, store, monkeypatch):
    monkeypatch.delenv("PARLEY_FETCH_ALLOW", raising=False)
    F.add_feeds(store, [site.url("/rss.xml")])
    summary = run(store)
    assert "not a public address" in summary.feeds[0].error
    assert "not a public address" in feed_row(store, site.url("/rss.xml"))["last_error"]
    assert store.counts()["articles"] == 0 and not site.hits("/rss.xml")


def test_rss_items_are_stored_with_their_feed_and_the_rest_named(allowed, store):
    site = allowed
    F.add_feeds(store, [site.url("/rss.xml")])
    summary = run(store)
    report, text = summary.feeds[0], summary.text()
    assert report.title == "Loop News" and not report.error
    assert sorted(u for u, _ in report.added) == [site.url("/a/1.html"), site.url("/a/2.html")]
    why = dict(report.skipped + report.duplicates + report.failed)
    assert why[site.url("/a/1.html?utm_source=rss")] == "listed twice in the feed"
    assert why["An item without a link"] == "the item has no link"
    assert "not in English" in why[site.url("/a/fr.html")]
    assert "no article text" in why[site.url("/a/empty.html")]
    assert why[site.url("/a/local.html")] == "no position of an actor in the registry"
    assert "robots.txt disallows" in why[site.url("/private/a9.html")]
    assert "HTTP 404" in why[site.url("/a/gone.html")]
    assert why["javascript:alert(1)"] == "not an http(s) link"
    for url in why:
        assert url in text  # every item not stored is named in the run's summary
    assert not site.hits("/private/a9.html")  # robots.txt obeyed: never requested
    # the articles, their positions and the feed they came from are stored
    articles = store.articles()
    assert len(articles) == 2 and store.counts()["positions"] >= 3
    for article_id in articles["article_id"]:
        assert F.article_feeds(store, article_id) == [site.url("/rss.xml")]
    row = feed_row(store, site.url("/rss.xml"))
    assert (row["items_seen"], row["articles_added"], row["duplicates"], row["refused"]) == (10, 2, 1, 7)
    assert row["failures"] == 0 and row["health"] == "ok, with notes"
    for note in ("1 items without a link", "1 items listed twice", "1 items could not be fetched", "HTTP 404"):
        assert note in row["last_error"]
    assert all("Parley" in h.headers["User-Agent"] for h in site.log)
    assert "Since" in text and "new positions from 2 new articles" in text


def test_second_run_adds_nothing_and_fetches_no_article_again(allowed, store):
    site = allowed
    F.add_feeds(store, [site.url("/rss.xml"), site.url("/conditional.xml")])
    first = run(store)
    article_hits = len([h for h in site.log if h.path.startswith("/a/")])
    second = run(store)
    assert first.counts()["added"] == 2 and second.counts()["added"] == 0
    assert len([h for h in site.log if h.path.startswith("/a/")]) == article_hits + 1  # only the 404 retried
    assert second.feeds[0].already == 7  # 2 stored, 5 skipped by rule; the 404 is retried
    assert second.feeds[1].not_modified  # If-None-Match answered by 304
    assert site.hits("/conditional.xml")[-1].headers["If-None-Match"] == '"v1"'
    assert site.hits("/conditional.xml")[-1].headers["If-Modified-Since"] == "Sat, 05 Dec 2026 08:00:00 GMT"
    assert "0 new positions from 0 new articles" in second.text()
    assert store.counts()["articles"] == 2


def test_atom_and_news_sitemap(allowed, store):
    site = allowed
    F.add_feeds(store, [site.url("/atom.xml"), site.url("/news-sitemap.xml")])
    summary = run(store)
    atom, sitemap = summary.feeds
    assert [u for u, _ in atom.added] == [site.url("/a/3.html")]
    assert [u for u, _ in sitemap.added] == [site.url("/a/4.html"), site.url("/a/1.html")]  # newest first
    assert feed_row(store, site.url("/news-sitemap.xml"))["kind"] == "urlset"
    assert feed_row(store, site.url("/atom.xml"))["kind"] == "atom10"


def test_the_same_text_under_another_url_is_a_duplicate(allowed, store):
    site = allowed
    F.add_feeds(store, [site.url("/mirror.xml")])
    report = run(store).feeds[0]
    assert [u for u, _ in report.added] == [site.url("/a/1.html")]
    assert report.duplicates == [(site.url("/mirror/1.html"), f"same text as stored article {store.articles()['article_id'][0]}")]
    assert store.counts()["articles"] == 1


def test_a_gzipped_sitemap(allowed, store):
    site = allowed
    F.add_feeds(store, [site.url("/sitemap.xml.gz")])
    assert [u for u, _ in run(store).feeds[0].added] == [site.url("/a/3.html")]


def test_a_sitemap_index_is_read_through_its_children(allowed, store):
    site = allowed
    F.add_feeds(store, [site.url("/sitemap-index.xml")])
    report = run(store).feeds[0]
    assert sorted(u for u, _ in report.added) == [site.url("/a/1.html"), site.url("/a/4.html")]
    assert "child sitemap " + site.url("/gone-sitemap.xml") in report.notes[0] and "HTTP 404" in report.notes[0]
    assert "gone-sitemap" in feed_row(store, site.url("/sitemap-index.xml"))["last_error"]


BAD = {
    "/broken.xml": "not a feed: malformed XML",
    "/page.html": "not a feed or sitemap",
    "/missing.xml": "HTTP 404",
    "/error.xml": "HTTP 500",
    "/slow.xml": "time limit",
    "/to-private.xml": "10.1.2.3, which is not a public address",
}


def test_bad_feeds_are_named_backed_off_and_lose_nothing_else(allowed, store):
    site = allowed
    F.add_feeds(store, [site.url(p) for p in BAD] + [site.url("/atom.xml")])
    summary = run(store, timeout=1.0)
    text = summary.text()
    for path, why in BAD.items():
        assert f"feed {site.url(path)}: FAILED" in text and why in text
        row = feed_row(store, site.url(path))
        assert why in row["last_error"] and row["failures"] == 1 and row["health"].startswith("failing")
    assert store.counts()["articles"] == 1  # the good feed's article is stored all the same
    again = run(store)  # at once: the failing feeds wait for their backoff, the good one is read
    assert [f.url for f in again.feeds] == [site.url("/atom.xml")] and len(again.waiting) == len(BAD)
    later = run(store, now=lambda: F.utcnow() + dt.timedelta(hours=1))
    assert len(later.feeds) == len(BAD) + 1
    assert feed_row(store, site.url("/missing.xml"))["failures"] == 2


def test_a_huge_feed_is_read_a_slice_at_a_time(allowed, store):
    site = allowed
    F.add_feeds(store, [site.url("/big.xml")])
    summary = run(store, max_items=20)
    report = summary.feeds[0]
    assert report.items_listed == 20 and len(report.failed) == 20
    assert "10000 items listed: only the newest 20 are read per run" in summary.text()
    assert "only the newest 20" in feed_row(store, site.url("/big.xml"))["last_error"]


def test_an_etag_that_changes_on_every_call_is_named(allowed, store):
    site = allowed
    F.add_feeds(store, [site.url("/etag.xml")])
    run(store)
    second = run(store)
    assert "new ETag for unchanged content" in second.text()
    assert "new ETag" in feed_row(store, site.url("/etag.xml"))["last_error"]
    assert second.counts()["added"] == 0


def test_requests_to_one_host_are_spaced_by_the_delay(allowed, store):
    site = allowed
    F.add_feeds(store, [site.url("/atom.xml"), site.url("/news-sitemap.xml")])
    follow_once(store, FollowOptions(delay=0.3, timeout=2.0))
    times = [h.at for h in site.log[-6:]]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.28, gaps
    assert len(site.hits("/robots.txt")) >= 1 and len([h for h in site.log[-6:] if h.path == "/robots.txt"]) == 1


def test_a_stop_ends_the_run_between_articles_and_the_next_run_goes_on(allowed, store):
    import threading

    from core.ingest.fetch import fetch

    site, stop = allowed, threading.Event()

    def fetch_then_stop(url, **kw):  # SIGTERM arriving while the first article is being fetched
        page = fetch(url, **kw)
        if "/a/" in url:
            stop.set()
        return page
    F.add_feeds(store, [site.url("/rss.xml"), site.url("/atom.xml")])
    summary = follow_once(store, FollowOptions(delay=0, timeout=2.0, stop=stop, fetch=fetch_then_stop))
    assert summary.interrupted and "(interrupted)" in summary.text()
    assert [f.url for f in summary.feeds] == [site.url("/rss.xml")]  # the second feed waits for the next run
    assert store.counts()["articles"] == 1  # the article in hand was finished, nothing half-written
    assert F.last_run(store)["run_id"] == summary.run_id
    rest = run(store)
    assert rest.counts()["added"] == 2 and store.counts()["articles"] == 3
