"""A small news site on 127.0.0.1 for the follow tests: feeds (RSS 2.0, Atom, a news sitemap),
article pages the real extractor finds positions in, and every kind of bad feed.

`site` records each request (path, method, headers, body, time) in `site.log`.
"""
from __future__ import annotations

import http.server
import json
import threading
import time
from dataclasses import dataclass, field
from email.utils import format_datetime

ARTICLES = {  # path -> (title, published, paragraphs)
    "/a/1.html": ("Moscow sets terms", "2026-12-01", [
        "Russia demanded that NATO halt its expansion to the east, Lavrov said on Monday.",
        "Moscow also demanded legally binding security guarantees from the United States.",
        "The talks are expected to continue in Geneva next week, officials said."]),
    "/a/2.html": ("NATO says no", "2026-12-02", [
        "NATO rejected the Russian demand to halt its expansion, Stoltenberg said on Tuesday.",
        "Every country is free to choose its own alliances, the NATO chief told reporters in Brussels."]),
    "/a/3.html": ("Kyiv warns", "2026-12-03", [
        "Ukraine warned that any concession made over its head would be unacceptable, Zelensky said.",
        "Kyiv urged the European Union to impose new sanctions on Russia."]),
    "/a/4.html": ("Moscow offers talks", "2026-12-04", [
        "Russia offered to resume talks with NATO in Geneva, Lavrov said on Thursday.",
        "The Kremlin said it was ready for dialogue on security guarantees."]),
    "/a/fr.html": ("Moscou pose ses conditions", "2026-12-01", [
        "La Russie a exigé que l'OTAN cesse son expansion vers l'est, a déclaré Lavrov lundi.",
        "Les discussions doivent se poursuivre à Genève la semaine prochaine, selon des responsables."]),
    "/a/local.html": ("Roads", "2026-12-01", [
        "The city council demanded that the mayor repair the roads before winter, residents said.",
        "The bakery on Main Street will open a second shop next month, its owner told the paper."]),
    "/private/a9.html": ("Hidden", "2026-12-01", [
        "Russia demanded that NATO withdraw its forces from Eastern Europe, Peskov said on Friday."]),
}


def article_html(title: str, published: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title><meta property=\"og:site_name\" content=\"Loop News\">"
            f"<meta property=\"article:published_time\" content=\"{published}T09:00:00Z\"></head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>")


def rss(title: str, items: list[tuple[str | None, str, str]]) -> str:
    """RSS 2.0; items are (link or None, title, YYYY-MM-DD)."""
    def item(link, t, day):
        when = format_datetime(_day(day))
        return f"<item><title>{t}</title>" + (f"<link>{link}</link>" if link else "") + f"<pubDate>{when}</pubDate></item>"
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://example.invalid/</link><description>test</description>"
            + "".join(item(*i) for i in items) + "</channel></rss>")


def atom(title: str, items: list[tuple[str, str, str]]) -> str:
    entries = "".join(f'<entry><title>{t}</title><link href="{link}"/><id>{link}</id>'
                      f"<updated>{day}T08:00:00Z</updated></entry>" for link, t, day in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{title}</title><id>urn:test</id><updated>2026-12-05T00:00:00Z</updated>{entries}</feed>")


def news_sitemap(items: list[tuple[str, str, str]]) -> str:
    urls = "".join(f"<url><loc>{link}</loc><news:news><news:publication><news:name>Loop News</news:name>"
                   f"<news:language>en</news:language></news:publication><news:publication_date>{day}"
                   f"</news:publication_date><news:title>{t}</news:title></news:news></url>"
                   for link, t, day in items)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>")


def _day(day: str):
    import datetime as dt
    return dt.datetime.fromisoformat(day).replace(hour=8, tzinfo=dt.UTC)


@dataclass
class Hit:
    path: str
    method: str
    headers: dict
    body: bytes
    at: float


@dataclass
class Site:
    base: str
    log: list[Hit] = field(default_factory=list)
    posted: list[dict] = field(default_factory=list)
    etag_calls: int = 0
    robots: bytes | None = b"User-agent: *\nDisallow: /private/\n"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Hit]:
        return [h for h in self.log if h.path == path]


class Handler(http.server.BaseHTTPRequestHandler):
    site: Site  # set on the class made per server

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _record(self, body=b""):
        self.site.log.append(Hit(self.path, self.command, dict(self.headers), body, time.monotonic()))

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._record(body)
        if self.path == "/hook":
            self.site.posted.append(json.loads(body))
            return self._send(200, b"ok", "text/plain")
        self._send(404, b"no")

    def do_GET(self):
        self._record()
        path = self.path
        if path in ARTICLES:
            return self._send(200, article_html(*ARTICLES[path]).encode())
        route = ROUTES.get(path)
        if route is None:
            return self._send(404, b"not here")
        route(self)

    def feed(self, text: str, ctype="application/rss+xml", headers=()):
        self._send(200, text.encode("utf-8"), ctype, headers)


def _u(h: Handler, path: str) -> str:
    return h.site.url(path)


def _main_rss(h: Handler):
    h.feed(rss("Loop News", [
        (_u(h, "/a/1.html"), "Moscow sets terms", "2026-12-01"),
        (_u(h, "/a/2.html"), "NATO says no", "2026-12-02"),
        (_u(h, "/a/1.html?utm_source=rss"), "Moscow sets terms (again)", "2026-12-01"),
        (None, "An item without a link", "2026-12-01"),
        (_u(h, "/a/fr.html"), "Moscou", "2026-12-01"),
        (_u(h, "/a/empty.html"), "Nothing here", "2026-12-01"),
        (_u(h, "/a/local.html"), "Roads", "2026-12-01"),
        (_u(h, "/private/a9.html"), "Hidden", "2026-12-01"),
        (_u(h, "/a/gone.html"), "Gone", "2026-12-01"),
        ("javascript:alert(1)", "A script", "2026-12-01"),
    ]))


def _conditional(h: Handler):
    if h.headers.get("If-None-Match") == '"v1"':
        return h._send(304, b"", headers=[("ETag", '"v1"')])
    h.feed(rss("Conditional", [(_u(h, "/a/2.html"), "NATO says no", "2026-12-02")]),
           headers=[("ETag", '"v1"'), ("Last-Modified", "Sat, 05 Dec 2026 08:00:00 GMT")])


def _etag_every_call(h: Handler):
    h.site.etag_calls += 1
    h.feed(rss("Restless", [(_u(h, "/a/2.html"), "NATO says no", "2026-12-02")]),
           headers=[("ETag", f'"e{h.site.etag_calls}"')])


def _big(h: Handler):
    h.feed(rss("Firehose", [(_u(h, f"/nowhere/{i}"), f"Item {i}", "2026-11-01") for i in range(10_000)]))


def _slow(h: Handler):
    time.sleep(3)
    h.feed(rss("Slow", []))


ROUTES = {
    "/robots.txt": lambda h: (h._send(404, b"none") if h.site.robots is None else  # None: no robots.txt
                              h._send(200, h.site.robots, "text/plain") if h.site.robots else h._send(503, b"down")),
    "/rss.xml": _main_rss,
    "/atom.xml": lambda h: h.feed(atom("Loop Atom", [(_u(h, "/a/3.html"), "Kyiv warns", "2026-12-03")]),
                                  "application/atom+xml"),
    "/news-sitemap.xml": lambda h: h.feed(news_sitemap([
        (_u(h, "/a/1.html"), "Moscow sets terms", "2026-12-01"),
        (_u(h, "/a/4.html"), "Moscow offers talks", "2026-12-04T10:00:00+00:00")]), "application/xml"),
    "/sitemap-index.xml": lambda h: h.feed(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{_u(h, '/news-sitemap.xml')}</loc><lastmod>2026-12-05</lastmod></sitemap>"
        f"<sitemap><loc>{_u(h, '/gone-sitemap.xml')}</loc><lastmod>2026-12-04</lastmod></sitemap>"
        "</sitemapindex>", "application/xml"),
    "/sitemap.xml.gz": lambda h: h._send(200, __import__("gzip").compress(news_sitemap([
        (_u(h, "/a/3.html"), "Kyiv warns", "2026-12-03")]).encode()), "application/x-gzip"),
    "/mirror.xml": lambda h: h.feed(rss("Mirror", [(_u(h, "/a/1.html"), "Original", "2026-12-02"),
                                                    (_u(h, "/mirror/1.html"), "Copy", "2026-12-01")])),
    "/mirror/1.html": lambda h: h._send(200, article_html(*ARTICLES["/a/1.html"]).encode()),
    "/empty-feed.xml": lambda h: h.feed(rss("Quiet", [])),
    "/a/empty.html": lambda h: h._send(200, b"<html><head><title>x</title></head><body></body></html>"),
    "/broken.xml": lambda h: h.feed("<?xml version='1.0'?><rss version='2.0'><channel><title>Broken</ti"),
    "/page.html": lambda h: h._send(200, b"<html><body><h1>Welcome</h1><p>Not a feed.</p></body></html>"),
    "/missing.xml": lambda h: h._send(404, b"no"),
    "/error.xml": lambda h: h._send(500, b"oops"),
    "/slow.xml": _slow,
    "/to-private.xml": lambda h: h._send(302, headers=[("Location", "http://10.1.2.3/feed.xml")]),
    "/conditional.xml": _conditional,
    "/etag.xml": _etag_every_call,
    "/big.xml": _big,
}


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client giving up (timeouts) is expected
        pass


def serve() -> tuple[QuietServer, Site]:
    """A started server on a free loopback port and its Site (stop it with .shutdown())."""
    site = Site("")
    handler = type("SiteHandler", (Handler,), {"site": site})
    srv = QuietServer(("127.0.0.1", 0), handler)
    site.base = f"http://127.0.0.1:{srv.server_address[1]}"
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, site
