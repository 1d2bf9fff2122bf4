"""core.ingest and core.reextract: once per article, one transaction per article, every problem named."""
from __future__ import annotations

import json

import duckdb
import pytest

import core
from core import ingest as I
from core.reextract import reextract
from core.sample import ensure_sample
from core.schema import positions_frame
from core.store import open_store
from tests._store_helpers import article, stub_extract


@pytest.fixture()
def store(tmp_path):
    return open_store(tmp_path / "i.duckdb")


def ingest(store, arts, **kw):
    return I.ingest_articles(store, arts, extract=stub_extract, **kw)


def test_new_then_duplicate_by_url_and_by_text(store):
    first = ingest(store, [article(1), article(2)])
    assert first.counts() == {"new": 2, "duplicate": 0, "failed": 0}
    same_url = article(3, url="HTTPS://NEWS.EXAMPLE/1#comments")          # scheme/host case, fragment
    same_text = article(4, text="  MOSCOW demanded that NATO halt its expansion,\n story 2.  Kyiv warned of war 2. ",
                        url=None)                                          # case and whitespace
    again = ingest(store, [same_url, same_text, article(1)])
    assert again.counts() == {"new": 0, "duplicate": 3, "failed": 0}
    assert "same URL as stored article a1" in again.duplicate[0].reason
    assert "same text as stored article a2" in again.duplicate[1].reason
    assert store.counts()["articles"] == 2


def test_missing_text_or_date_fails_with_reason(store):
    s = ingest(store, [article(1, text=" "), article(2, published=None), article(3)])
    assert s.counts() == {"new": 1, "duplicate": 0, "failed": 2}
    assert s.failed[0].reason == "no text" and "--published" in s.failed[1].reason


def test_same_id_different_article_is_kept_under_a_new_id(store):
    ingest(store, [article(1)])
    s = ingest(store, [article(1, text="Washington warned Moscow again.", url="https://news.example/other")])
    assert s.counts()["new"] == 1 and s.new[0].article_id.startswith("a1-")
    assert store.counts()["articles"] == 2


def test_extraction_failure_loses_only_that_article(store):
    def flaky(text, **kw):
        if "story 2" in text:
            raise RuntimeError("model exploded")
        return stub_extract(text, **kw)
    s = I.ingest_articles(store, [article(1), article(2), article(3)], extract=flaky)
    assert s.counts() == {"new": 2, "duplicate": 0, "failed": 1}
    assert "model exploded" in s.failed[0].reason and s.failed[0].article_id == "a2"
    assert store.article("a2") is None and store.article("a3") is not None


def test_extractor_breaking_the_contract_stores_nothing(store):
    def bad(text, *, article_id, published, title=None):
        df = stub_extract(text, article_id=article_id, published=published)
        df["stance"] = "shouting"
        return df
    s = I.ingest_articles(store, [article(1)], extract=bad)
    assert "contract" in s.failed[0].reason and store.is_empty()


def test_article_and_positions_are_one_transaction(store, monkeypatch):
    def crash(conn, article_id, df, **kw):
        raise duckdb.ConstraintException("disk full (simulated)")
    monkeypatch.setattr(I, "replace_positions", crash)
    s = ingest(store, [article(1)])
    assert "disk full" in s.failed[0].reason
    assert store.is_empty() and store.counts()["positions"] == 0  # the article row was rolled back too


def test_positions_keep_the_extractor_version_and_progress_is_reported(store):
    calls = []
    ingest(store, [article(1), article(2)], progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]
    df = store.query_positions()
    assert len(df) == 4 and df["extractor_version"].eq(core.EXTRACTOR_VERSION).all()
    assert df["position_id"].is_unique


def test_dataframe_input(store):
    import pandas as pd
    s = ingest(store, pd.DataFrame([article(1), article(2)]))
    assert s.counts()["new"] == 2


def test_bad_inputs_are_named_and_good_articles_kept(store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "photo.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin1.txt").write_bytes(
        "Moscow demanded that NATO halt its expansion, said the caf\xe9 owner's minister. "
        "Kyiv warned that it would never accept the demand.".encode("latin-1"))
    good = [article(1), article(2), article(3)]
    lines = [json.dumps(good[0]), '{"id": "broken", "text": ', json.dumps(good[1]), json.dumps(good[2])]
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    s = I.ingest_paths(store, [folder], published="2022-02-14", extract=stub_extract)
    failed = {o.source.rsplit("/", 1)[-1]: o.reason for o in s.failed}
    assert set(failed) == {"photo.txt", "empty.txt", "corpus.jsonl:2"}, s.details()
    assert "empty" in failed["empty.txt"]
    assert s.counts()["new"] == 4 and store.counts()["articles"] == 4  # three JSON lines + the Latin-1 file
    latin = [a for a in store.articles(with_text=True)["text"] if "caf" in a]
    assert latin and "café" in latin[0]


def test_missing_path_is_a_failure_not_a_crash(store, tmp_path):
    s = I.ingest_paths(store, [tmp_path / "nope.jsonl"], extract=stub_extract)
    assert s.counts()["failed"] == 1 and "nope.jsonl" in str(s.failed[0])


def test_urls_are_fetched_once_and_fetch_errors_named(store):
    fetched = []

    def fake_fetch(url, *, published=None):
        fetched.append(url)
        if "bad" in url:
            from core.fetch import FetchError
            raise FetchError(f"refused {url!r}: resolves to 127.0.0.1, which is not a public address")
        return article(9, url=url, article_id="url-x")
    urls = ["https://news.example/9", "http://bad.example/"]
    s1 = I.ingest_paths(store, urls, extract=stub_extract, fetch=fake_fetch)
    s2 = I.ingest_paths(store, urls[:1], extract=stub_extract, fetch=fake_fetch)
    assert s1.counts() == {"new": 1, "duplicate": 0, "failed": 1} and "not a public address" in s1.failed[0].reason
    assert s2.counts()["duplicate"] == 1 and fetched == urls  # the stored URL was not fetched again


def test_reextract_updates_stale_articles_only(store, monkeypatch):
    monkeypatch.setattr(core, "EXTRACTOR_VERSION", "0.0.1-old")
    ingest(store, [article(1), article(2, text="Nothing to see here.")])
    ids_before = set(store.query_positions()["position_id"])
    monkeypatch.setattr(core, "EXTRACTOR_VERSION", "0.0.2-new")
    s = reextract(store, extract=stub_extract)
    assert len(s.updated) == 2  # the article with no positions is redone too
    df = store.query_positions()
    assert df["extractor_version"].eq("0.0.2-new").all() and set(df["position_id"]) == ids_before
    assert set(store.extractor_versions()) == {"0.0.2-new"}
    assert len(reextract(store, extract=stub_extract).updated) == 0  # nothing stale now


def test_reextract_failure_keeps_old_positions(store, monkeypatch):
    monkeypatch.setattr(core, "EXTRACTOR_VERSION", "old")
    ingest(store, [article(1)])

    def broken(text, **kw):
        raise ValueError("bad model")
    s = reextract(store, version="new", extract=broken)
    assert s.failed and len(store.positions_for_article("a1")) == 2
    assert store.article("a1")["extractor_version"] == "old"


def test_sample_loads_only_into_an_empty_store(store):
    first = ensure_sample(store, extract=stub_extract)
    assert first.counts()["new"] == 1
    assert ensure_sample(store, extract=stub_extract) is None


@pytest.mark.corpus
def test_shared_corpus_twice_gives_the_same_rows(shared_dir, tmp_path):
    """../shared/corpus ingested twice: the second run adds nothing.

    Store behaviour, so the stub extractor (the real one takes minutes on a loaded box
    and is tested by its owners); `python -m core ingest` was run on the corpus with it.
    """
    store = open_store(tmp_path / "corpus.duckdb")
    inputs = sorted((shared_dir / "corpus").glob("*.jsonl"))
    first = I.ingest_paths(store, inputs, extract=stub_extract)
    assert first.counts()["failed"] == 0 and first.counts()["new"] > 100, first.details()[:5]
    assert store.counts()["positions"] > 50
    rows1 = store.query_positions().sort_values("position_id").reset_index(drop=True)
    second = I.ingest_paths(store, inputs, extract=stub_extract)
    assert second.counts() == {"new": 0, "duplicate": first.counts()["new"], "failed": 0}
    rows2 = store.query_positions().sort_values("position_id").reset_index(drop=True)
    assert store.counts()["articles"] == first.counts()["new"]
    assert rows1.equals(rows2)


def test_positions_frame_contract_used():  # guards the stub against contract drift
    assert list(stub_extract("Moscow demanded it.", article_id="x", published="2022-01-01").columns) == \
        list(positions_frame([]).columns)


def test_write_batches_store_the_same(store, tmp_path):
    batched = open_store(tmp_path / "b.duckdb")
    arts = [article(n) for n in range(7)] + [article(1)]
    one = ingest(store, arts)
    many = ingest(batched, arts, write_batch=3)
    assert one.counts() == many.counts() == {"new": 7, "duplicate": 1, "failed": 0}
    cols = ["position_id", "sentence"]
    assert store.query_positions()[cols].equals(batched.query_positions()[cols])


def test_busy_store_names_what_was_not_stored(store, monkeypatch):
    from core.store import StoreBusy
    calls = []

    def busy_after_two(*args, **kwargs):
        calls.append(1)
        if len(calls) > 2:
            raise StoreBusy("the database is busy: another Parley process is writing; try again")
        return real(*args, **kwargs)
    import core.store
    real = core.store.connect_with_retry
    monkeypatch.setattr(core.store, "connect_with_retry", busy_after_two)
    s = ingest(store, [article(n) for n in range(4)])  # 1 connection for the dedupe check, then 1 per article
    monkeypatch.undo()
    assert s.counts() == {"new": 1, "duplicate": 0, "failed": 3}
    assert all("database is busy" in o.reason for o in s.failed)
    assert store.counts()["articles"] == 1
