"""Polite fetching for the follower: one request per host every `delay` seconds, robots.txt obeyed.

Every request still goes through core.ingest.fetch (the SSRF guard, size and time caps).
robots.txt is fetched once per host and run, parsed with protego and obeyed for
core.ingest.fetch.USER_AGENT; RFC 9309: a 4xx robots.txt ("unavailable") allows
everything, an unreachable one (5xx, network, refused address) disallows the host
for this run. A Crawl-delay longer than `delay` is honoured up to MAX_CRAWL_DELAY.
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from core.ingest.fetch import USER_AGENT, FetchError

MAX_CRAWL_DELAY = 30.0
ROBOTS_MAX_BYTES = 512 * 1024   # RFC 9309 asks crawlers to read at least 500 KiB


class Polite:
    """Fetches through core.ingest.fetch, one request per host every `delay` s, obeying robots.txt."""

    def __init__(self, opts, timings: dict):
        """`opts`: core.ingest.follow.FollowOptions (delay, timeout, stop, fetch); `timings["fetch"]` sums fetch time."""
        from core.ingest.fetch import fetch

        self.fetch, self.opts, self.timings = opts.fetch or fetch, opts, timings
        self.last: dict[str, float] = {}
        self.robots: dict[str, object] = {}

    def get(self, url: str, **kwargs):
        """The page, or FetchError (refused by robots.txt, stopped, or the fetch's own)."""
        if not self.allowed(url):
            raise FetchError(self.refusal(url))
        return self._get(url, **kwargs)

    def refusal(self, url: str) -> str:
        rules = self.robots[_host(url)]
        if isinstance(rules, FetchError):
            return f"{url}: not fetched, its robots.txt is unreachable ({rules})"
        return f"{url}: robots.txt disallows it for {USER_AGENT.split()[0]}"

    def _get(self, url: str, **kwargs):
        host = _host(url)
        wait = self.last.get(host, -1e9) + self._delay(host) - time.monotonic()
        if wait > 0 and self.opts.stop.wait(wait):
            raise FetchError(f"{url}: not fetched, the run was stopped")
        start = time.monotonic()
        try:
            return self.fetch(url, timeout=self.opts.timeout, **kwargs)
        finally:
            self.last[host] = time.monotonic()
            self.timings["fetch"] += self.last[host] - start

    def _delay(self, host: str) -> float:
        rules = self.robots.get(host)
        crawl = rules.crawl_delay(USER_AGENT) if hasattr(rules, "crawl_delay") else None
        return max(self.opts.delay, min(float(crawl or 0), MAX_CRAWL_DELAY))

    def allowed(self, url: str) -> bool:
        host = _host(url)
        if host not in self.robots:
            self.robots[host] = self._robots(url)
        rules = self.robots[host]
        return rules == "all" or (hasattr(rules, "can_fetch") and rules.can_fetch(url, USER_AGENT))

    def _robots(self, url: str):
        from protego import Protego

        parts = urlsplit(url)
        try:
            page = self._get(f"{parts.scheme}://{parts.netloc}/robots.txt", accept_types=None,
                             max_bytes=ROBOTS_MAX_BYTES)
        except FetchError as err:
            # RFC 9309: "unavailable" (4xx) allows everything; "unreachable" (5xx, network, refused
            # address) nothing -- the error is kept to say why
            return "all" if err.status is not None and 400 <= err.status < 500 else err
        return Protego.parse(page.body.decode("utf-8", "replace"))


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()
