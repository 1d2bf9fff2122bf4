"""An ingest killed at a random point (SIGKILL: a crash, an OOM kill, a pulled plug for the process) leaves a
database that opens, holds no article without its positions, and that a re-run completes to exactly the rows
of a clean run."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from core.storage.store import open_store
from tests._store_helpers import article
from tests.dashboard_data import ROOT

# `python -m core ingest` with the tests' stub extractor, slowed to the pace of a real one per article.
CLI = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from core.ingest import ingest
    from core.cli import main
    from tests._store_helpers import stub_extract

    def slow(text, **kw):
        time.sleep(0.01)
        return stub_extract(text, **kw)
    ingest._default_extract = lambda: slow
    print("started", flush=True)
    sys.exit(main(["ingest", "--no-progress", "--db", sys.argv[1], sys.argv[2]]))
""").format(root=str(ROOT))
N = 20


def start(db, corpus):
    proc = subprocess.Popen([sys.executable, "-c", CLI, str(db), str(corpus)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "started"
    return proc


def contents(db) -> tuple[list, list]:
    with open_store(db, read_only=True).connect() as conn:
        arts = conn.execute("SELECT article_id, title, url, published, text, text_hash, source FROM articles"
                            " ORDER BY ALL").fetchall()
        pos = conn.execute("SELECT * EXCLUDE (created_at) FROM positions ORDER BY ALL").fetchall()
    return arts, pos


def orphans(db) -> tuple[int, int]:
    """(articles without a position, positions without an article): both must be 0 (each stub article has some)."""
    with open_store(db, read_only=True).connect() as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM articles a WHERE NOT EXISTS"
            "        (SELECT 1 FROM positions p WHERE p.article_id = a.article_id)),"
            "       (SELECT count(*) FROM positions p WHERE NOT EXISTS"
            "        (SELECT 1 FROM articles a WHERE a.article_id = p.article_id))").fetchall()[0]


@pytest.mark.subprocess
def test_an_ingest_killed_at_a_random_point_recovers_to_a_clean_run(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(article(i)) + "\n" for i in range(N)), encoding="utf-8")
    clean, killed = tmp_path / "clean.duckdb", tmp_path / "killed.duckdb"
    done = start(clean, corpus)
    assert done.wait(timeout=60) == 0, done.stderr.read()
    seed = random.randrange(1_000_000)
    pause = random.Random(seed).uniform(0.3, 1.6)  # from importing the library to about the last write
    proc = start(killed, corpus)
    time.sleep(pause)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    stored = open_store(killed).counts()["articles"]  # it opens (and migrates, if killed before that)
    assert orphans(killed) == (0, 0), f"seed {seed}, killed after {pause:.2f} s with {stored} articles"
    again = start(killed, corpus)
    assert again.wait(timeout=60) == 0, again.stderr.read()
    assert contents(killed) == contents(clean), f"seed {seed}, killed after {pause:.2f} s with {stored} articles"
