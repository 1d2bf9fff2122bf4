"""PARLEY_FETCH_ALLOW: the one door in the fetch guard. Loopback stays refused without it; a named
host:port is fetched; a redirect from a named host to an unnamed private one is still refused;
the webhook POST goes through the same rules."""
from __future__ import annotations

import pytest

from core.ingest import fetch as F
from tests import feed_site


@pytest.fixture(scope="module")
def site():
    srv, site = feed_site.serve()
    yield site
    srv.shutdown()


def test_loopback_is_refused_without_the_setting(site, monkeypatch):
    monkeypatch.delenv(F.ALLOW_ENV, raising=False)
    with pytest.raises(F.FetchError, match="not a public address"):
        F.fetch(site.url("/a/1.html"))
    assert not site.hits("/a/1.html")


def test_a_named_host_and_port_is_fetched(site, monkeypatch):
    monkeypatch.setenv(F.ALLOW_ENV, f" example.org, {site.base.removeprefix('http://')} ")
    assert b"Lavrov" in F.fetch(site.url("/a/1.html")).body


@pytest.mark.parametrize("setting", ["127.0.0.1:1", "localhost", "127.0.0.1:notaport", ""])
def test_another_port_or_name_allows_nothing(site, monkeypatch, setting):
    monkeypatch.setenv(F.ALLOW_ENV, setting)
    with pytest.raises(F.FetchError, match="not a public address"):
        F.fetch(site.url("/a/1.html"))


def test_a_host_without_port_allows_every_port(site, monkeypatch):
    monkeypatch.setenv(F.ALLOW_ENV, "127.0.0.1")
    assert F.fetch(site.url("/a/2.html")).status == 200


def test_redirect_to_an_unnamed_private_host_is_refused(site, monkeypatch):
    monkeypatch.setenv(F.ALLOW_ENV, site.base.removeprefix("http://"))
    with pytest.raises(F.FetchError, match="10.1.2.3, which is not a public address"):
        F.fetch(site.url("/to-private.xml"), accept_types=None)


def test_conditional_get_returns_304_with_the_validators(site, monkeypatch):
    monkeypatch.setenv(F.ALLOW_ENV, site.base.removeprefix("http://"))
    first = F.fetch(site.url("/conditional.xml"), accept_types=None)
    assert first.headers["etag"] == '"v1"'
    again = F.fetch(site.url("/conditional.xml"), headers={"If-None-Match": '"v1"'}, accept_types=None)
    assert again.status == 304 and again.body == b""


def test_post_json_is_guarded_too(site, monkeypatch):
    monkeypatch.delenv(F.ALLOW_ENV, raising=False)
    with pytest.raises(F.FetchError, match="not a public address"):
        F.post_json(site.url("/hook"), {"text": "hi"})
    monkeypatch.setenv(F.ALLOW_ENV, site.base.removeprefix("http://"))
    assert F.post_json(site.url("/hook"), {"text": "hi"}) == 200 and site.posted[-1] == {"text": "hi"}
    with pytest.raises(F.FetchError, match="HTTP 404"):
        F.post_json(site.url("/nohook"), {"text": "hi"})
