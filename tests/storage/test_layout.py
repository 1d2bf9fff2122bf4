"""Positions stored in (actor, date) order (core/storage/layout.py, migration 015): same rows, same table."""
from __future__ import annotations

import duckdb
import pytest

from core.ingest.ingest import ingest_articles
from core.storage.layout import sort_positions
from core.storage.store import open_store
from tests._store_helpers import article, stub_extract

TEXTS = ["Kyiv warned of war. Moscow demanded guarantees.", "NATO warned Moscow. Washington demanded talks.",
         "Moscow warned NATO of expansion. Kyiv demanded weapons."]


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "p.duckdb")
    ingest_articles(s, [article(i, text, published=f"2022-0{3 - i}-01") for i, text in enumerate(TEXTS)],
                    extract=stub_extract)
    return s


def stored(conn) -> list[tuple]:
    """The rows in storage order (a plain scan)."""
    return conn.execute("SELECT actor, date, position_id FROM positions").fetchall()


def test_sorting_keeps_every_row_and_stores_them_by_actor_then_date(store):
    with store.connect() as conn:
        before = conn.execute("SELECT * FROM positions ORDER BY position_id").fetchall()
        assert stored(conn) != sorted(stored(conn))   # ingested in article order
    with store.transaction() as conn:
        assert sort_positions(conn) == len(before)
    with store.connect() as conn:
        assert conn.execute("SELECT * FROM positions ORDER BY position_id").fetchall() == before
        assert stored(conn) == sorted(stored(conn))


def test_the_table_keeps_its_key_defaults_and_index(store):
    with store.transaction() as conn:
        sort_positions(conn)
    with store.connect(write=True) as conn:
        assert [r[0] for r in conn.execute("SELECT index_name FROM duckdb_indexes() WHERE table_name = 'positions'")
                .fetchall()] == ["positions_article"]
        pid = conn.execute("SELECT position_id FROM positions LIMIT 1").fetchall()[0][0]
        with pytest.raises(duckdb.ConstraintException):
            conn.execute("INSERT INTO positions (position_id, extractor_version) VALUES ($p, 'x')", {"p": pid})
        conn.execute("INSERT INTO positions (position_id, extractor_version) VALUES ('new', 'x')")
        assert conn.execute("SELECT created_at IS NOT NULL FROM positions WHERE position_id = 'new'").fetchall() == [
            (True,)]


def test_the_migration_sorts_a_database_stored_before_it(store):
    with store.transaction() as conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = 15")
    reopened = open_store(store.path)   # applies 015, as on a database from before it
    with reopened.connect() as conn:
        assert stored(conn) == sorted(stored(conn))
        assert conn.execute("SELECT max(version) FROM schema_migrations").fetchall() == [(15,)]
