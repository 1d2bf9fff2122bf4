"""`python -m core backup` and `restore`: a round trip gives back every table, row for row, and the same
`stats`; a backup is taken while another process reads; restore never overwrites a database."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from core.cli import main
from core.storage import review
from core.storage.backup import table_counts
from core.storage.store import open_store
from tests import dashboard_data as data
from tests.storage.test_read_only import HOLDER

FILLED = ("articles", "positions", "review_state", "review_log", "schema_migrations")  # the fixture writes these


@pytest.fixture()
def db(tmp_path):
    path = data.build_db(tmp_path / "live" / "parley.duckdb")
    store = open_store(path)
    first, second = store.query_positions(limit=2)["position_id"]
    review.reject(store, first, "tester", note="not a demand")
    review.edit(store, second, "tester", {"stance": "warning"})
    return path


def rows(path) -> dict[str, list[tuple]]:
    """Every table of the database (whatever later migrations add), every row, in a stable order."""
    with open_store(path, read_only=True).connect() as conn:
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in table_counts(conn)}


def stats(path, capsys) -> list[str]:
    assert main(["stats", "--db", str(path)]) == 0
    return [line for line in capsys.readouterr().out.splitlines() if not line.startswith("database")]


@pytest.mark.subprocess
def test_round_trip_gives_back_every_table_and_the_same_stats(db, tmp_path, capsys):
    folder, restored = tmp_path / "backups" / "b1", tmp_path / "restored.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True)
    try:  # the dashboard (another process) is reading meanwhile
        assert holder.stdout.readline().strip() == "holding"
        assert main(["backup", "--db", str(db), "-o", str(folder)]) == 0
    finally:
        holder.kill()
        holder.wait()
    moved = tmp_path / "elsewhere"
    shutil.move(folder, moved)  # a backup is restored from wherever it was copied to
    assert main(["restore", str(moved), "--db", str(restored)]) == 0
    original, copy = rows(db), rows(restored)
    assert all(original[t] for t in FILLED)  # the review tables hold rows too
    assert copy == original
    capsys.readouterr()
    assert stats(restored, capsys) == stats(db, capsys)


def test_restore_refuses_to_overwrite_a_database(db, tmp_path, capsys):
    folder = tmp_path / "b"
    assert main(["backup", "--db", str(db), "-o", str(folder)]) == 0
    before = db.read_bytes()
    assert main(["restore", str(folder), "--db", str(db)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert db.read_bytes() == before


def test_backup_refuses_a_folder_in_use_and_restore_a_folder_that_is_no_backup(db, tmp_path, capsys):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["backup", "--db", str(db), "-o", str(busy)]) == 1
    assert "not an empty folder" in capsys.readouterr().err
    assert main(["restore", str(busy), "--db", str(tmp_path / "new.duckdb")]) == 1
    assert "not a Parley backup" in capsys.readouterr().err
    assert not (tmp_path / "new.duckdb").exists()
