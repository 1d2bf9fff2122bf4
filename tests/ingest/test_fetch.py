"""core.ingest.fetch: what a URL may reach. Only loopback is ever contacted (a local http.server);
every other address must be refused before any connection is made."""
from __future__ import annotations

import http.server
import ipaddress
import socket
import threading
import time

import pytest

from core.ingest import fetch as F

ARTICLE_HTML = """<html><head><title>Moscow sets terms</title>
<meta property="og:site_name" content="Test Wire">
<meta property="article:published_time" content="2022-02-14T09:00:00Z"></head>
<body><article><h1>Moscow sets terms</h1>
<p>Moscow demanded that NATO halt its expansion to the east and withdraw its forces from Eastern Europe.</p>
<p>NATO rejected the demand on Monday, saying that every country is free to choose its own alliances.</p>
<p>Kyiv warned that any concession made over its head would be unacceptable to the government of Ukraine.</p>
<p>The talks between the two sides are expected to continue in Geneva next week, officials said.</p>
</article></body></html>"""


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Fail any test that would open a connection to a non-loopback address."""
    real = socket.create_connection

    def guarded(address, *args, **kwargs):
        if not ipaddress.ip_address(address[0]).is_loopback:
            raise AssertionError(f"test tried to contact {address[0]}")
        return real(address, *args, **kwargs)
    monkeypatch.setattr(socket, "create_connection", guarded)


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        if body is not None:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self):
        port = self.server.server_address[1]
        routes = {
            "/article": lambda: self._send(200, ARTICLE_HTML.encode()),
            "/host": lambda: self._send(200, self.headers["Host"].encode(), "text/plain"),
            "/to-loopback": lambda: self._send(302, headers=[("Location", f"http://127.0.0.1:{port}/article")]),
            "/to-metadata": lambda: self._send(301, headers=[("Location", "http://169.254.169.254/latest/")]),
            "/to-private-name": lambda: self._send(307, headers=[("Location", "http://intranet.example/")]),
            "/image": lambda: self._send(200, b"\x89PNG....", "image/png"),
            "/big": lambda: self._send(200, b"x" * (2 * 1024 * 1024)),
            "/big-chunked": self._big_undeclared,
            "/slow": self._slow,
            "/slow-headers": self._slow_headers,
        }
        if self.path.startswith("/loop/"):
            n = int(self.path.rsplit("/", 1)[1])
            return self._send(302, headers=[("Location", f"/loop/{n + 1}")])
        routes.get(self.path, lambda: self._send(404, b"no"))()

    def _big_undeclared(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            for _ in range(64):
                self.wfile.write(b"y" * 65536)
        except OSError:
            pass

    def _slow(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            for _ in range(40):
                self.wfile.write(b"<p>drip</p>")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass


    def _slow_headers(self):
        try:
            self.wfile.write(b"HTTP/1.0 200 OK\r\n")
            for i in range(40):
                self.wfile.write(b"X-Drip-%d: y\r\n" % i)
                self.wfile.flush()
                time.sleep(0.2)
            self.wfile.write(b"Content-Type: text/html\r\n\r\n<p>late</p>")
        except OSError:
            pass


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # refused handshakes are the point of some tests
        pass


@pytest.fixture(scope="module")
def server():
    srv = QuietServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def allow_loopback(ip):
    return ip.is_loopback


def allow_loopback_once():
    """Loopback allowed for the first hop only, so the redirect's own check is what refuses."""
    calls = []

    def allow(ip):
        calls.append(ip)
        return len(calls) == 1 and ip.is_loopback
    return allow


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a", "gopher://example.org/",
                                 "javascript:alert(1)", "data:text/html,hi", "//example.org/x", "example.org"])
def test_refuses_other_schemes(url):
    with pytest.raises(F.FetchError, match="only http and https"):
        F.fetch(url)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost:8501/", "http://10.0.0.1/", "http://192.168.1.1/admin",
    "http://172.16.5.4/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
    "http://[fe80::1]/", "http://[fd00::1]/", "http://0.0.0.0/", "http://2130706433/", "http://100.64.0.1/",
    "http://224.0.0.1/", "https://127.0.0.1:8443/",
])
def test_refuses_non_public_addresses(url):
    with pytest.raises(F.FetchError, match="not a public address"):
        F.fetch(url)


def test_refuses_public_looking_name_that_resolves_to_loopback(monkeypatch):
    monkeypatch.setattr(F, "resolve", lambda host, port: [ipaddress.ip_address("127.0.0.1")])
    with pytest.raises(F.FetchError, match="news.example.com resolves to 127.0.0.1"):
        F.fetch("https://news.example.com/story")


def test_refuses_when_any_answer_is_private(monkeypatch):
    answers = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.7")]
    monkeypatch.setattr(F, "resolve", lambda host, port: answers)
    with pytest.raises(F.FetchError, match="10.0.0.7"):
        F.fetch("http://mixed.example/")


def test_refuses_credentials_in_url():
    with pytest.raises(F.FetchError, match="password"):
        F.fetch("http://user:pw@example.org/")


@pytest.mark.parametrize("path, blocked", [("/to-loopback", "127.0.0.1"), ("/to-metadata", "169.254.169.254")])
def test_redirect_target_is_checked(server, path, blocked):
    with pytest.raises(F.FetchError, match=f"resolves to {blocked}"):
        F.fetch(server + path, allow=allow_loopback_once())


def test_redirect_to_name_resolving_private_is_checked(server, monkeypatch):
    real = F.resolve
    monkeypatch.setattr(F, "resolve", lambda host, port: [ipaddress.ip_address("192.168.0.10")]
                        if host == "intranet.example" else real(host, port))
    with pytest.raises(F.FetchError, match="192.168.0.10"):
        F.fetch(server + "/to-private-name", allow=allow_loopback)


def test_redirects_are_capped(server):
    with pytest.raises(F.FetchError, match="more than 5 redirects"):
        F.fetch(server + "/loop/0", allow=allow_loopback)


def test_redirect_within_limits_is_followed(server):
    page = F.fetch(server + "/to-loopback", allow=allow_loopback)
    assert page.url.endswith("/article") and b"Moscow" in page.body


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_size_is_capped(server, path):
    with pytest.raises(F.FetchError, match="larger than 1 MB"):
        F.fetch(server + path, allow=allow_loopback, max_bytes=1024 * 1024)


def test_time_is_capped(server):
    start = time.monotonic()
    with pytest.raises(F.FetchError, match="time limit"):
        F.fetch(server + "/slow", allow=allow_loopback, timeout=1.0)
    assert time.monotonic() - start < 3


def test_time_is_capped_while_headers_drip(server):
    start = time.monotonic()
    with pytest.raises(F.FetchError, match="time limit"):
        F.fetch(server + "/slow-headers", allow=allow_loopback, timeout=1.0)
    assert time.monotonic() - start < 3


def test_time_is_capped_while_dns_hangs(monkeypatch):
    def slow_dns(host, port):
        time.sleep(3)
        return [ipaddress.ip_address("127.0.0.1")]
    monkeypatch.setattr(F, "resolve", slow_dns)
    start = time.monotonic()
    with pytest.raises(F.FetchError, match="time limit"):
        F.fetch("http://slow-dns.example/", allow=allow_loopback, timeout=0.5)
    assert time.monotonic() - start < 2


def test_non_html_is_refused(server):
    with pytest.raises(F.FetchError, match="not a web page"):
        F.fetch(server + "/image", allow=allow_loopback)


def test_connects_to_the_vetted_address_and_keeps_the_name(server, monkeypatch):
    port = int(server.rsplit(":", 1)[1])
    lookups = []

    def fake_resolve(host, p):
        lookups.append(host)
        return [ipaddress.ip_address("127.0.0.1")]
    monkeypatch.setattr(F, "resolve", fake_resolve)
    page = F.fetch(f"http://news.example:{port}/host", allow=allow_loopback)
    assert page.body.decode() == f"news.example:{port}"  # Host header names the site, not the IP
    assert lookups == ["news.example"]                    # resolved once, then pinned


def test_fetch_article_takes_text_and_metadata(server, monkeypatch):
    monkeypatch.setattr(F, "fetch", lambda url, **kw: F.Page(url, 200, "text/html", ARTICLE_HTML.encode()))
    art = F.fetch_article("https://news.example/story")
    assert art["title"] == "Moscow sets terms" and art["outlet"] == "Test Wire"
    assert art["published"] == "2022-02-14" and "NATO rejected the demand" in art["text"]
    assert art["url"] == "https://news.example/story" and art["article_id"].startswith("url-")


def test_page_without_date_needs_published():
    html = ARTICLE_HTML.replace('<meta property="article:published_time" content="2022-02-14T09:00:00Z">', "")
    page = F.Page("https://news.example/x", 200, "text/html", html.encode())
    with pytest.raises(F.FetchError, match="--published"):
        F.page_to_article(page, requested_url=page.url)
    assert F.page_to_article(page, requested_url=page.url, published="2022-03-01")["published"] == "2022-03-01"


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """An HTTPS server on 127.0.0.1 whose certificate names news.example (self-signed)."""
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=news.example",
                    "-addext", "subjectAltName=DNS:news.example"], check=True, capture_output=True)
    srv = QuietServer(("127.0.0.1", 0), Handler)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    srv.socket = server_ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.server_address[1], ssl.create_default_context(cafile=str(cert))
    srv.shutdown()


def test_https_is_pinned_and_verified_against_the_name(tls_server, monkeypatch):
    port, client_ctx = tls_server
    monkeypatch.setattr(F, "resolve", lambda host, p: [ipaddress.ip_address("127.0.0.1")])
    page = F.fetch(f"https://news.example:{port}/host", allow=allow_loopback, ssl_context=client_ctx)
    assert page.body.decode() == f"news.example:{port}"   # SNI and Host carry the name, the socket the vetted IP
    with pytest.raises(F.FetchError, match="could not fetch"):  # the certificate must match the URL's name
        F.fetch(f"https://other.example:{port}/host", allow=allow_loopback, ssl_context=client_ctx)


def test_the_same_page_by_url_and_by_file_is_one_article(tmp_path):
    """The headline is taken out of the body both ways, so the texts match and the second copy is a duplicate."""
    from core.ingest.ingest import ingest_paths
    from core.ingest.readers import read_inputs
    from core.storage.store import open_store
    from tests._store_helpers import stub_extract

    path = tmp_path / "story.html"
    path.write_text(ARTICLE_HTML, encoding="utf-8")
    (by_file,) = read_inputs([path]).articles
    page = F.Page("https://news.example/story", 200, "text/html", ARTICLE_HTML.encode())
    by_url = F.page_to_article(page, requested_url=page.url)
    assert by_url["text"] == by_file["text"] and by_url["text"].startswith("Moscow demanded")
    assert by_url["title"] == by_file["title"] == "Moscow sets terms"

    def fetch(url, published=None):
        return F.page_to_article(F.Page(url, 200, "text/html", ARTICLE_HTML.encode()), requested_url=url,
                                 published=published)
    store = open_store(tmp_path / "s.duckdb")
    assert ingest_paths(store, [path], extract=stub_extract).counts()["new"] == 1
    again = ingest_paths(store, [page.url], extract=stub_extract, fetch=fetch)
    assert again.counts() == {"new": 0, "duplicate": 1, "failed": 0}, again.details()
