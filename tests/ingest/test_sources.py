"""core.ingest.sources: feeds and sitemaps read from bytes, never fetched by the parser itself."""
from __future__ import annotations

import gzip

import pytest

from core.ingest import sources
from core.ingest.sources import NotAFeed, parse_source
from tests.feed_site import atom, news_sitemap, rss

BASE = "http://news.example"


def test_rss_items_newest_first_with_dates_and_missing_links():
    body = rss("Wire", [(f"{BASE}/old", "Old", "2026-11-01"), (None, "No link", "2026-12-01"),
                        (f"{BASE}/new", "New", "2026-12-05")]).encode()
    parsed = parse_source(body, f"{BASE}/rss.xml", "application/rss+xml")
    assert parsed.kind == "rss20" and parsed.title == "Wire" and not parsed.problem
    assert [(i.url, i.published) for i in parsed.items] == [
        (f"{BASE}/new", "2026-12-05"), (None, "2026-12-01"), (f"{BASE}/old", "2026-11-01")]


def test_rss_0_91():
    body = (b'<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title><link>http://news.example/</link>'
            b"<description>d</description><language>en</language><item><title>One</title>"
            b"<link>http://news.example/1</link></item></channel></rss>")
    parsed = parse_source(body, f"{BASE}/rss091.xml", "text/xml")
    assert parsed.kind.startswith("rss09") and [i.url for i in parsed.items] == [f"{BASE}/1"]


def test_rss_1_0_and_atom_relative_links():
    rdf = (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
           b' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>R1</title><link>x</link>'
           b'<description>d</description></channel><item rdf:about="http://news.example/r1">'
           b"<title>One</title><link>http://news.example/r1</link></item></rdf:RDF>")
    assert [i.url for i in parse_source(rdf, f"{BASE}/rdf").items] == [f"{BASE}/r1"]
    body = atom("A", [("/story/1", "One", "2026-12-03")]).encode()
    parsed = parse_source(body, f"{BASE}/feeds/atom.xml", "application/atom+xml")
    assert parsed.kind == "atom10" and parsed.items[0].url == f"{BASE}/story/1"


def test_news_sitemap_and_index():
    body = news_sitemap([(f"{BASE}/a", "A", "2026-12-01"), (f"{BASE}/b", "B", "2026-12-04T10:00:00Z")]).encode()
    parsed = parse_source(body, f"{BASE}/sitemap.xml")
    assert parsed.kind == "urlset" and [(i.url, i.title) for i in parsed.items] == [(f"{BASE}/b", "B"), (f"{BASE}/a", "A")]
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>http://news.example/s1.xml</loc><lastmod>2026-12-01</lastmod></sitemap>"
             b"<sitemap><loc>http://news.example/s2.xml</loc><lastmod>2026-12-06</lastmod></sitemap></sitemapindex>")
    parsed = parse_source(index, f"{BASE}/index.xml")
    assert parsed.kind == "sitemapindex" and [i.url for i in parsed.items] == [f"{BASE}/s2.xml", f"{BASE}/s1.xml"]


def test_a_sitemap_entity_is_not_expanded_nor_fetched():
    body = (b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&x;</loc></url></urlset>')
    parsed = parse_source(body, f"{BASE}/s.xml")
    assert all("root:" not in (i.url or "") for i in parsed.items)


@pytest.mark.parametrize("body, why", [
    (b"<html><body><p>Welcome</p></body></html>", "not a feed or sitemap"),
    (b"<?xml version='1.0'?><rss version='2.0'><channel><title>B</ti", "not a feed: malformed XML"),
    (b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>x", "not a sitemap: malformed XML"),
    (b"/etc/passwd", "not a feed"),  # a path-like body is data, never opened as a file
])
def test_what_is_not_a_feed_says_so(body, why):
    with pytest.raises(NotAFeed, match=why):
        parse_source(body, f"{BASE}/x")


def test_a_gzipped_sitemap_is_unpacked_within_a_cap(monkeypatch):
    body = gzip.compress(news_sitemap([(f"{BASE}/a", "A", "2026-12-01")]).encode())
    assert [i.url for i in parse_source(body, f"{BASE}/sitemap.xml.gz", "application/x-gzip").items] == [f"{BASE}/a"]
    monkeypatch.setattr(sources, "MAX_UNZIPPED", 1024)
    with pytest.raises(NotAFeed, match="once unpacked"):
        parse_source(gzip.compress(b"<urlset>" + b" " * 4096 + b"</urlset>"), f"{BASE}/bomb.xml.gz")
    with pytest.raises(NotAFeed, match="broken gzip"):
        parse_source(b"\x1f\x8bnot really", f"{BASE}/x.gz")
