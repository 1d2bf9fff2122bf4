"""core.ingest.ingest and core.ingest.reextract: once per article, one transaction per article, every problem named."""
from __future__ import annotations

import json

import duckdb
import pytest

import core
from core.ingest import ingest as I
from core.ingest.reextract import reextract
from core.ingest.sample import ensure_sample
from core.schema import positions_frame
from core.storage.store import open_store
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
            from core.ingest.fetch import FetchError
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


@pytest.mark.slow
def test_busy_store_names_what_was_not_stored(store, monkeypatch):
    from core.storage.store import StoreBusy
    calls = []

    def busy_after_two(*args, **kwargs):
        calls.append(1)
        if len(calls) > 2:
            raise StoreBusy("the database is busy: another Parley process is writing; try again")
        return real(*args, **kwargs)
    import core.storage.store
    real = core.storage.store.connect_with_retry
    monkeypatch.setattr(core.storage.store, "connect_with_retry", busy_after_two)
    s = ingest(store, [article(n) for n in range(4)])  # 1 connection for the dedupe check, then 1 per article
    monkeypatch.undo()
    assert s.counts() == {"new": 1, "duplicate": 0, "failed": 3}
    assert all("database is busy" in o.reason for o in s.failed)
    assert store.counts()["articles"] == 1


def test_folder_articles_are_named_by_file_and_line(store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "c.jsonl").write_text(json.dumps(article(1)) + "\n" + json.dumps(article(2)) + "\n", encoding="utf-8")
    I.ingest_paths(store, [folder], extract=stub_extract)
    assert store.article("a2")["source"] == f"{folder / 'c.jsonl'}:2"  # not the folder
    again = I.ingest_paths(store, [folder], extract=stub_extract)
    assert [o.source for o in again.duplicate] == [f"{folder / 'c.jsonl'}:1", f"{folder / 'c.jsonl'}:2"]


def test_two_files_reusing_an_id_for_different_articles_keep_both(store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.jsonl").write_text(json.dumps(article(1)) + "\n", encoding="utf-8")
    other = article(1, text="Washington warned Moscow of sanctions.", url="https://other.example/1")
    (folder / "two.jsonl").write_text(json.dumps(other) + "\n", encoding="utf-8")
    s = I.ingest_paths(store, [folder], extract=stub_extract)
    assert s.counts() == {"new": 2, "duplicate": 0, "failed": 0}, s.details()
    assert store.counts()["articles"] == 2


@pytest.mark.parametrize("same", ["https://news.example:443/1", "https://news.example/1?utm_source=x&fbclid=y",
                                  "HTTPS://News.Example/1#top"])
def test_the_same_link_written_differently_is_a_duplicate(store, same):
    ingest(store, [article(1)])
    s = ingest(store, [article(2, url=same)])
    assert s.counts()["duplicate"] == 1 and "same URL as stored article a1" in s.duplicate[0].reason


def test_url_normalising_keeps_what_tells_articles_apart():
    assert I.normalise_url("https://news.example:8443/1?id=2&utm_medium=m") == "https://news.example:8443/1?id=2"
    assert I.normalise_url("http://news.example:443/1") == "http://news.example:443/1"


def test_reextract_write_failure_keeps_old_positions_and_goes_on(store, monkeypatch):
    import core.ingest.reextract as R
    monkeypatch.setattr(core, "EXTRACTOR_VERSION", "old")
    ingest(store, [article(1), article(2)])
    real = R.replace_positions

    def crash_on_a1(conn, article_id, df, **kw):
        if article_id == "a1":
            raise duckdb.ConstraintException("disk full (simulated)")
        return real(conn, article_id, df, **kw)
    monkeypatch.setattr(R, "replace_positions", crash_on_a1)
    s = reextract(store, version="new", extract=stub_extract)
    assert [a for a, _ in s.failed] == ["a1"] and "disk full" in s.failed[0][1]
    assert [a for a, _, _ in s.updated] == ["a2"]
    assert store.article("a1")["extractor_version"] == "old" and len(store.positions_for_article("a1")) == 2


@pytest.mark.slow
def test_reextract_busy_store_names_what_was_left(store, monkeypatch):
    import core.storage.store
    from core.storage.store import StoreBusy
    monkeypatch.setattr(core, "EXTRACTOR_VERSION", "old")
    ingest(store, [article(1), article(2), article(3)])
    real, calls = core.storage.store.connect_with_retry, []

    def busy_after_three(*args, **kwargs):
        calls.append(1)
        if len(calls) > 3:  # the stale list, then a1's read and write
            raise StoreBusy("the database is busy: another Parley process is writing; try again")
        return real(*args, **kwargs)
    monkeypatch.setattr(core.storage.store, "connect_with_retry", busy_after_three)
    s = reextract(store, version="new", extract=stub_extract)
    monkeypatch.undo()
    assert [a for a, _, _ in s.updated] == ["a1"]
    assert [a for a, _ in s.failed] == ["a2", "a3"] and all("busy" in r for _, r in s.failed)


def test_a_publication_date_that_is_not_a_date_is_refused_not_stored(store):
    s = ingest(store, [article(1, published="14/02/2022"), article(2, published="2022-02-14T09:30:00Z")])
    assert s.counts() == {"new": 1, "duplicate": 0, "failed": 1}
    assert "'14/02/2022' is not a date" in s.failed[0].reason
    assert store.article("a2")["published"] == "2022-02-14"


def test_one_run_and_two_runs_agree_on_what_is_the_same_text(tmp_path):
    """Within a run and against the store, "same text" is one rule (core.ingest.readers.text_hash)."""
    texts = {"a.txt": "Moscow demanded that NATO halt its expansion. Kyiv warned of war.",
             "b.txt": "Moscow demanded that NATO halt its expansion; Kyiv warned of war!",   # other punctuation
             "c.txt": "MOSCOW demanded that NATO halt its  expansion. Kyiv warned of war."}  # case and spacing
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    together = I.ingest_paths(open_store(tmp_path / "one.duckdb"), [folder], published="2022-02-14",
                              extract=stub_extract)
    separate = open_store(tmp_path / "two.duckdb")
    apart = [I.ingest_paths(separate, [folder / n], published="2022-02-14", extract=stub_extract).counts()
             for n in texts]
    assert together.counts() == {"new": 2, "duplicate": 1, "failed": 0}
    assert [c["new"] for c in apart] == [1, 1, 0]


def test_an_article_given_twice_in_one_run_is_extracted_once(store, tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(article(1)) + "\n", encoding="utf-8")
    calls = []

    def counting(text, **kw):
        calls.append(kw["article_id"])
        return stub_extract(text, **kw)
    s = I.ingest_paths(store, [path, tmp_path], extract=counting)  # the file, then its folder
    assert s.counts() == {"new": 1, "duplicate": 1, "failed": 0} and calls == ["a1"]
    assert "same URL as stored article a1" in s.duplicate[0].reason
