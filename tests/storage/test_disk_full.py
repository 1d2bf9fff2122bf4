"""A disk that fills while an ingest writes: the run says so and exits non-zero (DuckDB's own checkpoint
on close fails silently), and nothing stored is lost: the next run finds every article already there."""
from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
import textwrap

import pytest

from core.ingest.ingest import ingest_articles
from core.storage.store import open_store
from tests._store_helpers import article, stub_extract
from tests.dashboard_data import ROOT

CLI = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from core.ingest import ingest
    from core.cli import main
    from tests._store_helpers import stub_extract
    ingest._default_extract = lambda: stub_extract
    sys.exit(main(["ingest", "--no-progress", "--db", sys.argv[1], sys.argv[2]]))
""").format(root=str(ROOT))
TEXT = "Moscow demanded that the talks with the West go on at once, and said it was ready for them, round {}. "


def ingest(db, corpus, file_limit=None):
    """`python -m core ingest` in its own process; with `file_limit`, no file may grow past that many bytes
    (RLIMIT_FSIZE: the kernel refuses the write, as a full disk would)."""
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a refused write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))
    return subprocess.run([sys.executable, "-c", CLI, str(db), str(corpus)], capture_output=True, text=True,
                          timeout=60, preexec_fn=limit if file_limit else None)


@pytest.mark.subprocess
def test_a_full_disk_during_the_checkpoint_is_reported_and_loses_nothing(tmp_path, capsys):
    db = tmp_path / "parley.duckdb"
    ingest_articles(open_store(db), [article(i) for i in range(3)], extract=stub_extract)
    corpus = tmp_path / "more.jsonl"
    corpus.write_text("".join(json.dumps(article(i, text=TEXT.format(i) * 40)) + "\n" for i in range(100, 105)),
                      encoding="utf-8")
    # Room for the write-ahead log (the commits), none for the checkpoint that grows the file by whole blocks.
    done = ingest(db, corpus, file_limit=db.stat().st_size + 100_000)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "the disk refused to write the database" in done.stderr and "free some space" in done.stderr
    assert open_store(db, read_only=True).counts()["articles"] == 8  # the five are kept (in the .wal)
    again = ingest(db, corpus)
    assert again.returncode == 0 and "0 new, 5 duplicate, 0 failed" in again.stderr, again.stderr
