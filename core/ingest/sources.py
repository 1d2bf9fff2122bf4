"""Reading a feed or a sitemap that was already fetched (through core.ingest.fetch) into its item links.

    parsed = parse_source(body, url)   # RSS 0.9x/1.0/2.0 and Atom via feedparser; (news) sitemaps via lxml
    parsed.items                       # newest first, capped by the caller

Nothing here opens a connection: feedparser gets a file object (given a str it
would fetch URLs or open local paths itself), and sitemaps are parsed with lxml
with network access and entity expansion off. Sitemaps use lxml rather than
ultimate-sitemap-parser (whose `sitemap_from_str` does parse offline): that
library pins python-dateutil<3 (Parley runs 4.x) and brings its own HTTP client,
which must never be the one fetching.
"""
from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from dataclasses import dataclass, field

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
              "text/xml", "application/x-rss+xml", "text/html", "application/xhtml+xml", "text/plain",
              # gzipped sitemaps (sitemap.xml.gz) are served as files, not with Content-Encoding
              "application/gzip", "application/x-gzip", "application/octet-stream")
MAX_UNZIPPED = 50 * 1024 * 1024   # the sitemap protocol's own cap on an uncompressed sitemap
_NS = {"s": SITEMAP_NS, "n": NEWS_NS}
_SITEMAP_ROOT = re.compile(rb"<(?:\w+:)?(urlset|sitemapindex)[\s>]")


@dataclass(frozen=True)
class Item:
    url: str | None          # the link as the feed gives it (None: the item has no link)
    title: str | None = None
    published: str | None = None   # YYYY-MM-DD when the feed says, else None


@dataclass
class Parsed:
    kind: str                      # "rss20", "atom10"... (feedparser's version), "sitemap", "sitemapindex"
    title: str | None = None
    items: list[Item] = field(default_factory=list)   # newest first; undated items keep feed order, last
    problem: str = ""              # the source was read, but not cleanly (malformed XML read leniently)


def _harmless() -> tuple[type, ...]:
    import feedparser

    return (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


class NotAFeed(ValueError):
    """The bytes are neither a feed nor a sitemap (an HTML page, broken XML with nothing in it)."""


def parse_source(body: bytes, url: str, content_type: str = "") -> Parsed:
    """The feed or sitemap in `body` (fetched from `url`, which resolves relative links)."""
    body = gunzip(body)
    head = body[:4096]
    parsed = _parse_sitemap(body, url) if _SITEMAP_ROOT.search(head) else _parse_feed(body, url, content_type)
    parsed.items = newest_first(parsed.items)
    return parsed


def gunzip(body: bytes) -> bytes:
    """A gzipped body unpacked, at most MAX_UNZIPPED bytes (a small bomb cannot fill the memory)."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    import zlib

    unzip = zlib.decompressobj(wbits=31)
    try:
        out = unzip.decompress(body, MAX_UNZIPPED)
    except zlib.error as err:
        raise NotAFeed(f"not a feed: broken gzip data ({err})") from err
    if unzip.unconsumed_tail:
        raise NotAFeed(f"not a feed: more than {MAX_UNZIPPED // (1024 * 1024)} MB once unpacked")
    return out


def newest_first(items: list[Item]) -> list[Item]:
    dated = sorted((i for i in items if i.published), key=lambda i: i.published, reverse=True)
    return dated + [i for i in items if not i.published]


def _parse_feed(body: bytes, url: str, content_type: str) -> Parsed:
    import feedparser

    # a file object, never a string: given a str, feedparser fetches URLs and opens paths itself
    d = feedparser.parse(io.BytesIO(body), response_headers={"content-location": url,
                                                             "content-type": content_type or "application/xml"})
    problem = ""
    # a feed served as text/html or with an encoding its header contradicts is still a good feed
    if d.get("bozo") and not isinstance(d.get("bozo_exception"), _harmless()):
        problem = f"malformed XML ({type(d.get('bozo_exception')).__name__}: {d.get('bozo_exception')})"
    if not d.get("version") and not d.entries:
        raise NotAFeed(problem.replace("malformed XML", "not a feed: malformed XML") if problem
                       else "not a feed or sitemap (no RSS, Atom or sitemap root; an HTML page?)")
    items = [Item(_link(e), (e.get("title") or "").strip() or None, _entry_date(e)) for e in d.entries]
    if problem and not items:
        raise NotAFeed(f"not a feed: {problem}")
    return Parsed(d.get("version") or "feed", (d.feed.get("title") or "").strip() or None, items,
                  f"{problem}, read leniently" if problem else "")


def _link(entry) -> str | None:
    link = (entry.get("link") or "").strip()
    if link:
        return link
    guid = (entry.get("id") or "").strip()
    # RSS guids are links only when they say so (isPermaLink); feedparser keeps them in `id`
    return guid if guid.startswith(("http://", "https://")) and entry.get("guidislink", False) else None


def _entry_date(entry) -> str | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.UTC).date().isoformat()


def _parse_sitemap(body: bytes, url: str) -> Parsed:
    from lxml import etree

    # no DTDs, entities or network: a sitemap is plain elements; huge_tree off keeps the usual caps
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as err:
        raise NotAFeed(f"not a sitemap: malformed XML ({err})") from err
    kind = etree.QName(root).localname
    tag = "sitemap" if kind == "sitemapindex" else "url"
    items = [_sitemap_item(node) for node in root.iter(f"{{{SITEMAP_NS}}}{tag}", tag)]
    return Parsed(kind, None, [i for i in items if i is not None])


def _sitemap_item(node) -> Item | None:
    loc = _text(node, "s:loc", "loc")  # a few sitemaps in the wild forget the namespace
    if loc is None:
        return Item(None)
    when = _text(node, "n:news/n:publication_date") or _text(node, "s:lastmod", "lastmod")
    return Item(loc, _text(node, "n:news/n:title"), _iso_day(when))


def _text(node, *paths: str) -> str | None:
    for path in paths:
        found = node.find(path, _NS)
        if found is not None and (found.text or "").strip():
            return found.text.strip()
    return None


def _iso_day(text: str | None) -> str | None:
    if not text or not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None
