"""core.ingest.polite against a loopback site: robots.txt Crawl-delay, Disallow, and an unreachable robots.txt."""
from __future__ import annotations

import pytest

from core.ingest.fetch import FetchError
from core.ingest.follow import FollowOptions
from core.ingest.polite import Polite
from tests import feed_site


@pytest.fixture
def site(monkeypatch):
    srv, site = feed_site.serve()
    monkeypatch.setenv("PARLEY_FETCH_ALLOW", site.base.removeprefix("http://"))
    yield site
    srv.shutdown()


def polite(delay=0.0):
    return Polite(FollowOptions(delay=delay, timeout=2.0), {"fetch": 0.0})


def test_crawl_delay_spaces_requests_even_with_no_delay_of_our_own(site):
    site.robots = b"User-agent: *\nCrawl-delay: 0.5\n"
    p = polite()
    for path in ("/a/1.html", "/a/2.html"):
        p.get(site.url(path))
    hits = site.log
    assert [h.path for h in hits] == ["/robots.txt", "/a/1.html", "/a/2.html"]
    assert hits[2].at - hits[1].at >= 0.45 and hits[1].at - hits[0].at >= 0.45


def test_rules_for_parley_are_obeyed(site):
    site.robots = b"User-agent: Parley\nDisallow: /a/\n\nUser-agent: *\nAllow: /\n"
    with pytest.raises(FetchError, match="robots.txt disallows it for Parley"):
        polite().get(site.url("/a/1.html"))
    assert [h.path for h in site.log] == ["/robots.txt"]


def test_an_unreachable_robots_txt_keeps_the_host_out_for_the_run(site):
    site.robots = b""  # the site answers 503
    with pytest.raises(FetchError, match="robots.txt is unreachable"):
        polite().get(site.url("/a/1.html"))
    assert [h.path for h in site.log] == ["/robots.txt"]


def test_a_missing_robots_txt_allows_everything(site):
    site.robots = None  # 404
    assert polite().get(site.url("/a/1.html")).status == 200
