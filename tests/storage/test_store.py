"""core.storage.store: path resolution, migrations, and the query API the dashboard calls."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from core.filters import Filters
from core.paths import DEFAULT_DB
from core.paths import db_path as resolve_db_path
from core.schema import ARTICLE_COLUMNS, POSITION_COLUMNS, positions_frame
from core.storage import migrations
from core.storage.store import (
    QUERY_COLUMNS,
    StoreError,
    insert_article,
    open_store,
    position_ids,
    replace_positions,
)

POS = dict(char_start=0, char_end=10, hedged=False, confidence=0.5, date_precision="day", issue="other")
ROWS = {  # article -> (outlet, title, positions)
    "a1": ("Wire A", "Moscow sets terms", [
        dict(sentence="Moscow demanded guarantees.", actor="Russia", target="NATO", stance="demand",
             date="2022-02-14", speaker="Sergei Lavrov", quote="no expansion"),
        dict(sentence="NATO rejected the demand.", actor="NATO", target="Russia", stance="rejection",
             date="2022-03", date_precision="month", char_start=30),
    ]),
    "a2": ("Wire B", "Kyiv replies", [
        dict(sentence="Kyiv warned of 100% escalation.", actor="Ukraine", target="Russia", stance="warning",
             date="2021", date_precision="year"),
        dict(sentence="Moscow warned the West.", actor="Russia", target="West", stance="warning",
             date="2023-05-01", char_start=40, issue="sanctions"),
    ]),
}


@pytest.fixture()
def store(tmp_path):
    s = open_store(tmp_path / "sub" / "t.duckdb")
    for aid, (outlet, title, rows) in ROWS.items():
        with s.transaction() as conn:
            insert_article(conn, dict(article_id=aid, title=title, outlet=outlet, url=f"https://x.example/{aid}",
                                      published="2022-02-14", text="..."),
                           text_hash=aid, source="test", extractor_version="v1")
            replace_positions(conn, aid, positions_frame([{**POS, "article_id": aid, **r} for r in rows]),
                              extractor_version="v1")
    return s


def test_path_resolution(tmp_path, monkeypatch):
    monkeypatch.delenv("PARLEY_DB", raising=False)
    monkeypatch.chdir(tmp_path)  # the default is next to the code, not the cwd
    assert resolve_db_path() == DEFAULT_DB and DEFAULT_DB.parent.name == "data"
    monkeypatch.setenv("PARLEY_DB", str(tmp_path / "env.duckdb"))
    assert resolve_db_path() == tmp_path / "env.duckdb"
    assert resolve_db_path(tmp_path / "flag.duckdb") == tmp_path / "flag.duckdb"


def test_fresh_db_runs_migrations_once(tmp_path):
    path = tmp_path / "new" / "folder" / "p.duckdb"
    s = open_store(path)
    assert path.exists() and s.is_empty()
    assert s.migrate() == []  # nothing pending the second time
    with s.connect() as conn:
        applied = [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
    assert applied[0] == 1 and applied == [m.version for m in migrations.all_migrations()]
    with s.connect() as conn:
        cols = {t: [r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position",
            {"t": t}).fetchall()] for t in ("articles", "positions")}
    assert set(POSITION_COLUMNS) | {"position_id", "extractor_version", "created_at"} <= set(cols["positions"])
    assert set(ARTICLE_COLUMNS) <= set(cols["articles"])


def test_registered_migration_runs_once_and_failure_rolls_back(tmp_path):
    s = open_store(tmp_path / "m.duckdb")
    calls = []

    @migrations.migration(901, "test notes table")
    def _notes(conn):
        calls.append(1)
        conn.execute("CREATE TABLE notes (id INTEGER)")

    @migrations.migration(902, "broken")
    def _broken(conn):
        conn.execute("CREATE TABLE half_done (id INTEGER)")
        raise RuntimeError("boom")

    try:
        with pytest.raises(migrations.MigrationError, match="902"):
            s.migrate()
        del migrations._REGISTERED[902]
        assert s.migrate() == [] and calls == [1]
        with s.connect() as conn:
            tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert "notes" in tables and "half_done" not in tables
    finally:
        migrations._REGISTERED.pop(901, None)
        migrations._REGISTERED.pop(902, None)


@pytest.mark.parametrize("table, index", [("positions", "positions_article"),
                                          # the reviews are read with the positions' columns too
                                          ("review_state", "review_state_article")])
def test_missing_contract_column_is_named(tmp_path, table, index):
    path = tmp_path / "old.duckdb"
    open_store(path)
    conn = duckdb.connect(str(path))
    conn.execute(f"DROP INDEX {index}")  # DuckDB will not alter an indexed table
    conn.execute(f"ALTER TABLE {table} DROP COLUMN cue")
    conn.close()
    with pytest.raises(StoreError, match=f"{table} lacks contract columns \\['cue'\\]"):
        open_store(path)


@pytest.mark.parametrize("filters, expected", [
    (Filters(), ["a2/2021", "a1/2022-02-14", "a1/2022-03", "a2/2023-05-01"]),
    (Filters(actor=("Russia",)), ["a1/2022-02-14", "a2/2023-05-01"]),
    (Filters(actor=("Russia", "NATO")), ["a1/2022-02-14", "a1/2022-03", "a2/2023-05-01"]),  # OR within
    (Filters(actor=("Russia",), stance=("warning",)), ["a2/2023-05-01"]),                    # AND across
    (Filters(target=("Russia",)), ["a2/2021", "a1/2022-03"]),
    (Filters(outlet=("Wire B",)), ["a2/2021", "a2/2023-05-01"]),
    (Filters(speaker=("Sergei Lavrov",)), ["a1/2022-02-14"]),
    (Filters(issue=("sanctions",)), ["a2/2023-05-01"]),
    # a month or year overlaps a range that touches any of its days
    (Filters(date_from=dt.date(2022, 3, 31)), ["a1/2022-03", "a2/2023-05-01"]),
    (Filters(date_to=dt.date(2022, 3, 1)), ["a2/2021", "a1/2022-02-14", "a1/2022-03"]),
    (Filters(date_from=dt.date(2021, 6, 1), date_to=dt.date(2021, 6, 30)), ["a2/2021"]),
    (Filters(date_from=dt.date(2022, 2, 15), date_to=dt.date(2022, 2, 28)), []),
    (Filters(q="WEST"), ["a2/2023-05-01"]),                       # sentence, any case
    (Filters(q="moscow"), ["a1/2022-02-14", "a1/2022-03", "a2/2023-05-01"]),  # a1's title too
    (Filters(q="lavrov"), ["a1/2022-02-14"]),                     # speaker
    (Filters(q="no expansion"), ["a1/2022-02-14"]),               # quote
    (Filters(q="kyiv replies"), ["a2/2021", "a2/2023-05-01"]),    # title
    (Filters(q="100%"), ["a2/2021"]),                             # LIKE wildcards are literal
    (Filters(q="_"), []),
    (Filters(q="0% e"), ["a2/2021"]),                             # contains() path keeps % literal
    (Filters(q="back\\slash"), []),
    (Filters(actor=("Russia' OR 1=1 --",)), []),                  # values are parameters, never SQL
])
def test_query_positions_filters(store, filters, expected):
    df = store.query_positions(filters)
    assert [f"{a}/{d}" for a, d in zip(df["article_id"], df["date"], strict=True)] == expected
    assert list(df.columns) == list(QUERY_COLUMNS)


def test_query_positions_limit_dtypes_and_join(store):
    df = store.query_positions(Filters(), limit=2)
    assert len(df) == 2
    assert str(df["char_start"].dtype) == "Int64" and str(df["hedged"].dtype) == "boolean"
    assert set(df["outlet"]) <= {"Wire A", "Wire B"} and df["extractor_version"].eq("v1").all()
    assert store.count_positions(Filters(actor=("Russia",))) == 2


def test_article_views(store):
    art = store.article("a1")
    assert art["title"] == "Moscow sets terms" and art["extractor_version"] == "v1"
    assert store.article("nope") is None
    assert list(store.positions_for_article("a1")["char_start"]) == [0, 30]
    allarts = store.articles()
    assert set(allarts["article_id"]) == {"a1", "a2"} and "text" not in allarts.columns
    hit = store.articles(Filters(stance=("rejection",)))
    assert list(hit["article_id"]) == ["a1"] and list(hit["n_positions"]) == [1]


def test_facets_counts_and_emptiness(store, tmp_path):
    f = store.facets()
    assert f["actor"] == ["NATO", "Russia", "Ukraine"] and f["outlet"] == ["Wire A", "Wire B"]
    assert f["speaker"] == ["Sergei Lavrov"] and "West" in f["target"]
    c = store.counts()
    assert (c["articles"], c["positions"], c["actors"], c["outlets"]) == (2, 4, 3, 2)
    assert (c["date_min"], c["date_max"]) == ("2021", "2023-05-01")
    assert not store.is_empty() and open_store(tmp_path / "empty.duckdb").is_empty()


def test_read_only_store_reads_and_refuses_writes(store):
    ro = open_store(store.path, read_only=True)
    assert ro.count_positions() == 4
    with pytest.raises(StoreError, match="read-only"):
        with ro.transaction():
            pass


def test_replace_positions_keeps_ids_stable_and_is_one_transaction(store):
    before = store.positions_for_article("a1")
    rows = before[list(POSITION_COLUMNS)]
    with store.transaction() as conn:
        replace_positions(conn, "a1", rows, extractor_version="v2")
    after = store.positions_for_article("a1")
    assert list(after["position_id"]) == list(before["position_id"])
    assert after["extractor_version"].eq("v2").all() and store.article("a1")["extractor_version"] == "v2"
    with pytest.raises(RuntimeError):
        with store.transaction() as conn:
            replace_positions(conn, "a1", rows.iloc[:0], extractor_version="v3")
            raise RuntimeError("crash mid-article")
    assert len(store.positions_for_article("a1")) == 2  # rolled back


def test_position_ids_unique_for_identical_rows():
    row = {**POS, "article_id": "a", "sentence": "s", "actor": "Russia", "stance": "demand", "date": "2022"}
    ids = position_ids(positions_frame([row, row, {**row, "issue": "sanctions"}]))
    assert len(set(ids)) == 3 and ids[1] == ids[0] + ":2"


def test_session_reuses_one_connection(store, monkeypatch):
    import core.storage.store as S
    opened = []
    real = S.connect_with_retry
    monkeypatch.setattr(S, "connect_with_retry", lambda *a, **k: opened.append(1) or real(*a, **k))
    with store.session():
        store.counts()
        store.facets()
        store.query_positions(Filters(actor=("Russia",)))
    assert len(opened) == 1
    store.counts()
    assert len(opened) == 2  # outside the session each call opens (and closes) its own


def test_queries_work_after_an_unread_result_in_a_session(store):
    with store.session(), store.connect() as conn:
        conn.execute("SELECT article_id FROM articles").fetchone()  # leaves the result unfinished
        assert store.count_positions() == 4 and len(store.query_positions()) == 4


def test_unusable_paths_raise_store_error(tmp_path):
    garbage = tmp_path / "notes.duckdb"
    garbage.write_text("not a database")
    with pytest.raises(StoreError, match="not a valid DuckDB database"):
        open_store(garbage)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the folder"):
        open_store(blocker / "sub" / "db.duckdb")


def test_a_file_that_is_not_a_database_says_what_to_do(tmp_path):
    from core.storage.store import StoreError
    path = tmp_path / "notes.txt"
    path.write_text("not a database", encoding="utf-8")
    with pytest.raises(StoreError, match=r"not a valid DuckDB database.*choose another --db PATH"):
        open_store(path)

