"""Two processes at once: a CLI-like ingest in a subprocess while this process reads, and vice versa.

DuckDB lets one process hold the file for writing and refuses others meanwhile;
the store opens short-lived connections and retries, so neither side may crash
and no write may be lost.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest

from core.paths import ROOT
from core.storage.store import StoreBusy, open_store

pytestmark = pytest.mark.slow  # real processes holding the database lock

WRITER = textwrap.dedent("""
    import json, sys, time
    sys.path[:0] = [{root!r}]
    from tests._store_helpers import article, stub_extract
    from core.ingest.ingest import ingest_articles
    from core.storage.store import open_store

    def slow_extract(text, **kw):
        time.sleep(0.02)  # stands in for the real extractor: the lock is not held meanwhile
        return stub_extract(text, **kw)

    first, count = int(sys.argv[2]), int(sys.argv[3])
    store = open_store(sys.argv[1])
    print("started", flush=True)
    summary = ingest_articles(store, [article(n) for n in range(first, first + count)], extract=slow_extract)
    print(json.dumps(summary.counts()), flush=True)
""")


def start_writer(tmp_path, db, first, count):
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT)))
    return subprocess.Popen([sys.executable, str(script), str(db), str(first), str(count)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc, timeout=120):
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_reader_and_writer_processes_at_once(tmp_path):
    db = tmp_path / "shared.duckdb"
    open_store(db)  # create it first so both sides start from a migrated file
    writer = start_writer(tmp_path, db, 0, 20)
    readers = [open_store(db), open_store(db, read_only=True)]
    seen, reads = [], 0
    while writer.poll() is None:
        store = readers[reads % 2]
        with store.session():  # one connection for the three reads, so they agree
            n = store.count_positions()
            df = store.query_positions(limit=50)
            seen.append(store.counts()["articles"])
        assert len(df) == min(n, 50)
        reads += 1
        time.sleep(0.02)  # a dashboard user, not a spin loop: leave the writer gaps
    assert finish(writer) == {"new": 20, "duplicate": 0, "failed": 0}
    assert reads > 5 and seen == sorted(seen)        # reads went on during the run; counts only grow
    assert any(0 < s < 20 for s in seen)            # and saw the ingest in progress
    final = open_store(db).counts()
    assert (final["articles"], final["positions"]) == (20, 40)


def test_two_writers_overlapping_lose_nothing_and_store_once(tmp_path):
    db = tmp_path / "two.duckdb"
    open_store(db)
    a, b = start_writer(tmp_path, db, 0, 12), start_writer(tmp_path, db, 8, 12)  # a8..a11 in both
    ra, rb = finish(a), finish(b)
    assert ra["failed"] == rb["failed"] == 0
    assert ra["new"] + rb["new"] == 20 and ra["duplicate"] + rb["duplicate"] == 4
    store = open_store(db)
    assert store.counts()["articles"] == 20 and store.counts()["positions"] == 40
    assert set(store.articles()["article_id"]) == {f"a{n}" for n in range(20)}


def test_busy_database_gives_a_clear_error(tmp_path):
    db = tmp_path / "busy.duckdb"
    open_store(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\nc = duckdb.connect(sys.argv[1])\n"
         "print('locked', flush=True)\ntime.sleep(4)\n", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(StoreBusy, match="the database is busy: another Parley process is writing"):
            open_store(db, busy_timeout=0.5).counts()
        assert time.monotonic() - started < 3
    finally:
        holder.kill()
        holder.wait()
    assert open_store(db).is_empty()  # usable again once the other process is gone
