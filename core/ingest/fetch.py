"""Fetching an article from an http(s) URL without letting the URL reach inside our network.

Fetching runs on the server on behalf of whoever uses the dashboard, so a URL
is a request to make our machine connect somewhere. Rules:

- only ``http`` and ``https``, default or explicit ports;
- the host is resolved once and every address it resolves to must be public:
  loopback, private, link-local (169.254.169.254, cloud metadata), multicast,
  reserved, unspecified, shared (100.64/10) and addresses embedding one of those
  (IPv4-mapped, 6to4, Teredo, NAT64) are refused;
- the connection goes to the vetted address itself (``Host`` header and TLS SNI
  keep the name), so a second DNS answer cannot swap in another address
  (DNS rebinding);
- redirects are followed by hand, at most ``MAX_REDIRECTS``, each one checked
  like the first URL;
- the body is streamed and abandoned past ``MAX_BYTES`` (5 MB), and the whole
  fetch, redirects included, must finish within ``TIMEOUT`` (15 s);
- only HTML (or plain text) is accepted unless the caller names other types (feeds,
  sitemaps, robots.txt); no proxies, no cookies, no compression.

One setting opens a door on purpose: ``PARLEY_FETCH_ALLOW`` (comma-separated
``host`` or ``host:port``, e.g. ``127.0.0.1:8765``) names hosts that may be
fetched whatever they resolve to -- a feed on the intranet, or the loopback test
server. Only the host as written in a URL is matched (a redirect to an unnamed
private host is still refused), and nothing is allowed when it is unset.

Then trafilatura extracts the text and the title, date and site name (-> outlet).
"""
from __future__ import annotations

import hashlib
import http.client
import ipaddress
import json
import os
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = 15.0
MAX_REDIRECTS = 5
USER_AGENT = "Parley/0.1 (news position tracker)"
ALLOWED_SCHEMES = {"http": 80, "https": 443}
ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
ALLOW_ENV = "PARLEY_FETCH_ALLOW"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(ValueError):
    """The URL was refused or could not be fetched; the message says which and why.

    `status` is the HTTP status when the server answered with an error (robots.txt rules differ
    for 4xx and 5xx), else None."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Page:
    url: str           # the final URL, after redirects
    status: int
    content_type: str
    body: bytes
    headers: dict = field(default_factory=dict)  # response headers, names lower-cased (ETag, Last-Modified)


# -- address policy ----------------------------------------------------------

def is_public_address(ip: Address) -> bool:
    """True only for globally routable unicast addresses, looking inside IPv6 wrappers."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None and not is_public_address(inner):
            return False
    bad = (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
           or ip.is_reserved or ip.is_unspecified or not ip.is_global)
    return not bad


def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to (tests replace this to fake DNS)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise FetchError(f"cannot resolve host {host!r}: {err.strerror}") from err
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))


def _resolve_by(host: str, port: int, deadline: float | None, url: str) -> list[Address]:
    """resolve(), given up at the deadline: the system resolver has no timeout of its own."""
    if deadline is None:
        return resolve(host, port)
    answer: list = []
    worker = threading.Thread(target=lambda: answer.append(_outcome(resolve, host, port)), daemon=True)
    worker.start()
    worker.join(_remaining(deadline, url))
    if not answer:
        raise FetchError(f"{url}: gave up after the time limit (resolving {host!r})")
    if isinstance(answer[0], BaseException):
        raise answer[0]
    return answer[0]


def _outcome(func, *args):
    try:
        return func(*args)
    except Exception as err:  # handed to the waiting thread, which raises it
        return err


def allowed_hosts() -> set[tuple[str, int | None]]:
    """(host, port or None for any port) named in $PARLEY_FETCH_ALLOW; read on every call, so a
    test or an operator can change it without a restart."""
    found = set()
    for entry in os.environ.get(ALLOW_ENV, "").split(","):
        entry = entry.strip().lower()
        if not entry:
            continue
        parts = urlsplit(f"//{entry}")
        try:
            found.add((parts.hostname or "", parts.port))
        except ValueError:  # a port that is not a number: the entry allows nothing
            continue
    return found


def _named_in_setting(host: str, port: int) -> bool:
    named = allowed_hosts()
    return (host.lower(), port) in named or (host.lower(), None) in named


def vet_url(url: str, *, allow: Callable[[Address], bool] = is_public_address,
            deadline: float | None = None) -> tuple[str, str, int, Address]:
    """(scheme, host, port, address to connect to) for a URL we may fetch, else FetchError.

    With `deadline` (time.monotonic()), resolving the host must finish by then."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise FetchError(f"refused {url!r}: only http and https URLs can be fetched")
    if parts.username or parts.password:
        raise FetchError(f"refused {url!r}: URLs with a user name or password are not fetched")
    host = parts.hostname
    if not host:
        raise FetchError(f"refused {url!r}: no host name")
    try:
        port = parts.port or ALLOWED_SCHEMES[scheme]
    except ValueError as err:
        raise FetchError(f"refused {url!r}: bad port") from err
    addresses = _resolve_by(host, port, deadline, url)
    if not addresses:
        raise FetchError(f"cannot resolve host {host!r}")
    refused = [] if _named_in_setting(host, port) else [ip for ip in addresses if not allow(ip)]
    if refused:
        raise FetchError(f"refused {url!r}: {host} resolves to {refused[0]}, which is not a public address")
    return scheme, host, port, addresses[0]


# -- pinned connections --------------------------------------------------------

class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to a fixed, already vetted address; Host header from the URL's name."""

    def __init__(self, host: str, port: int, address: Address, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self._address), self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a fixed address; certificate checked against (and SNI sent for) the URL's name."""

    def __init__(self, host: str, port: int, address: Address, timeout: float,
                 context: ssl.SSLContext | None = None):
        super().__init__(host, port, timeout=timeout, context=context or ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((str(self._address), self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


# -- fetching ----------------------------------------------------------------------

def fetch(url: str, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT, max_redirects: int = MAX_REDIRECTS,
          allow: Callable[[Address], bool] = is_public_address, ssl_context: ssl.SSLContext | None = None,
          headers: dict | None = None, accept_types: tuple[str, ...] | None = ACCEPTED_TYPES) -> Page:
    """GET `url` under the rules in the module docstring; `allow` decides which addresses are safe.

    `ssl_context` defaults to the system's verified context (tests pass one trusting a local certificate).
    `headers` are sent as well (If-None-Match, If-Modified-Since: then a 304 comes back as a Page with
    status 304 and no body); `accept_types` None takes any content type.
    """
    deadline = time.monotonic() + timeout
    for _ in range(max_redirects + 1):
        scheme, host, port, address = vet_url(url, allow=allow, deadline=deadline)
        request = _Request(url, scheme, host, port, address, extra=headers or {})
        status, got, body = _send(request, deadline, max_bytes, ssl_context)
        if status in (301, 302, 303, 307, 308):
            location = got.get("location")
            if not location:
                raise FetchError(f"{url}: redirect ({status}) without a Location")
            url = urljoin(url, location.strip())
            continue
        if status == 304 and headers:
            return Page(url, status, "", b"", got)
        if status != 200:
            raise FetchError(f"{url}: the server answered HTTP {status}", status)
        ctype = got.get("content-type", "").split(";")[0].strip().lower()
        if accept_types is not None and ctype and ctype not in accept_types:
            raise FetchError(f"{url}: not a web page (content type {ctype})")
        return Page(url, status, ctype, body, got)
    raise FetchError(f"refused: more than {max_redirects} redirects")


def post_json(url: str, payload: dict, *, timeout: float = TIMEOUT,
              allow: Callable[[Address], bool] = is_public_address) -> int:
    """POST `payload` as JSON (a webhook) under the same rules as fetch; redirects are not followed,
    as a redirected POST would be re-sent somewhere the caller did not name. Returns the 2xx status."""
    deadline = time.monotonic() + timeout
    scheme, host, port, address = vet_url(url, allow=allow, deadline=deadline)
    body = json.dumps(payload).encode("utf-8")
    request = _Request(url, scheme, host, port, address, method="POST", body=body,
                       extra={"Content-Type": "application/json"})
    status, _, _ = _send(request, deadline, 64 * 1024, None)
    if not 200 <= status < 300:
        raise FetchError(f"{url}: the server answered HTTP {status}", status)
    return status


@dataclass(frozen=True)
class _Request:
    url: str
    scheme: str
    host: str
    port: int
    address: Address
    method: str = "GET"
    body: bytes | None = None
    extra: dict = field(default_factory=dict)


def _send(req: _Request, deadline: float, max_bytes: int, ssl_context) -> tuple[int, dict, bytes]:
    url, scheme, host, port, address = req.url, req.scheme, req.host, req.port, req.address
    remaining = _remaining(deadline, url)
    if scheme == "https":
        conn = _PinnedHTTPS(host, port, address, timeout=remaining, context=ssl_context)
    else:
        conn = _PinnedHTTP(host, port, address, timeout=remaining)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kept: list = []  # getresponse() drops conn.sock when the server will close; keep it for timeouts
    # A socket timeout bounds each read, not their sum: a server dripping a byte of its status
    # line or headers every few seconds would never time out. At the deadline, cut the socket.
    watchdog = threading.Timer(remaining, _cut, (lambda: conn.sock or (kept[0] if kept else None),))
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request(req.method, target, body=req.body,
                     headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity",
                              "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1", **req.extra})
        kept.append(conn.sock)
        resp = conn.getresponse()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        if resp.status in (301, 302, 303, 304, 307, 308):
            return resp.status, headers, b""
        return resp.status, headers, _read_capped(resp, kept[0], headers, url, deadline, max_bytes)
    except (OSError, http.client.HTTPException) as err:
        if time.monotonic() >= deadline or isinstance(err, socket.timeout):
            raise FetchError(f"{url}: gave up after the time limit") from err
        raise FetchError(f"{url}: could not fetch: {err}") from err
    finally:
        watchdog.cancel()
        conn.close()


def _cut(sock_of: Callable) -> None:
    sock = sock_of()
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


def _read_capped(resp, sock, headers, url, deadline, max_bytes) -> bytes:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{url}: the page is larger than {max_bytes // (1024 * 1024)} MB")
    chunks, size = [], 0
    while True:
        sock.settimeout(_remaining(deadline, url))  # a slow drip cannot outlast the deadline
        chunk = resp.read1(64 * 1024)
        if not chunk:
            _remaining(deadline, url)  # an end cut short by the deadline is not the whole page
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url}: the page is larger than {max_bytes // (1024 * 1024)} MB")
        chunks.append(chunk)


def _remaining(deadline: float, url: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"{url}: gave up after the time limit")
    return left


# -- article -----------------------------------------------------------------------

def page_to_article(page: Page, *, requested_url: str, published: str | None = None) -> dict:
    """Article dict (core.schema.ARTICLE_COLUMNS) from a fetched page, read as an .html file is
    (core.ingest.readers.html_article) and let in by the same gate (core.ingest.readers.gate)."""
    from core.ingest.readers import gate, html_article

    meta = html_article(page.body, url=page.url) or {}
    text = (meta.get("text") or "").strip()
    if not text:
        raise FetchError(f"{requested_url}: no article text found on the page")
    refused = gate(text)  # the same limits as every other way in (length, English)
    if refused:
        raise FetchError(f"{requested_url}: {refused}")
    date = (meta.get("published") or "")[:10] or published
    if not date:
        raise FetchError(f"{requested_url}: the page gives no publication date; pass --published YYYY-MM-DD")
    host = urlsplit(page.url).hostname or ""
    return {
        "article_id": f"url-{hashlib.sha1(requested_url.encode('utf-8')).hexdigest()[:12]}",
        "title": meta.get("title") or None,
        "outlet": meta.get("outlet") or host.removeprefix("www.") or None,
        "url": requested_url,
        "published": date,
        "text": text,
    }


def fetch_article(url: str, *, published: str | None = None, **limits) -> dict:
    """Fetch `url` safely and return its article; FetchError says why not."""
    page = fetch(url, **limits)
    return page_to_article(page, requested_url=url, published=published)
