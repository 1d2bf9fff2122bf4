"""`python -m core ingest | reextract | export | stats | sort`: thin commands over the library."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

import core
from core.cli import main
from core.ingest import ingest as ingest_module
from tests._store_helpers import article, stub_extract


@pytest.fixture(autouse=True)
def stub_extractor(monkeypatch):
    monkeypatch.setattr(ingest_module, "_default_extract", lambda: stub_extract)


@pytest.fixture()
def corpus(tmp_path):
    path = tmp_path / "corpus.jsonl"
    arts = [article(1), article(2, text="Washington warned Moscow. Moscow demanded talks.", published="2023-05-01",
                                outlet="Other Wire")]
    path.write_text("\n".join(json.dumps(a) for a in arts) + "\n", encoding="utf-8")
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_twice_and_stats(tmp_path, corpus, capsys):
    db = str(tmp_path / "c.duckdb")
    code, _, err = run(capsys, "ingest", "--db", db, str(corpus))
    assert code == 0 and "2 new, 0 duplicate, 0 failed" in err
    code, _, err = run(capsys, "ingest", "--db", db, str(corpus.parent))  # a folder, recursively
    assert code == 0 and "0 new, 2 duplicate, 0 failed" in err
    code, out, _ = run(capsys, "stats", "--db", db)
    assert code == 0 and "articles   2" in out and "positions  4" in out


def test_env_var_chooses_the_database(tmp_path, corpus, capsys, monkeypatch):
    monkeypatch.setenv("PARLEY_DB", str(tmp_path / "env" / "e.duckdb"))
    assert run(capsys, "ingest", str(corpus))[0] == 0
    assert (tmp_path / "env" / "e.duckdb").exists()


def test_ingest_names_problems(tmp_path, corpus, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(article(5)) + "\n{not json\n", encoding="utf-8")
    code, _, err = run(capsys, "ingest", "--db", str(tmp_path / "p.duckdb"), str(bad))
    assert code == 0 and "1 new, 0 duplicate, 1 failed" in err and "bad.jsonl:2" in err


def test_ingest_needs_inputs_or_sample(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    assert run(capsys, "ingest", "--db", db)[0] == 2
    assert run(capsys, "ingest", "--db", db, "--published", "14.02.2022", "x.txt")[0] == 2
    code, _, err = run(capsys, "ingest", "--db", db, "--sample")
    assert code == 0 and "sample: 1 new" in err
    assert "sample not loaded" in run(capsys, "ingest", "--db", db, "--sample")[2]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_export_with_filters(tmp_path, corpus, capsys, suffix):
    db = str(tmp_path / "x.duckdb")
    run(capsys, "ingest", "--db", db, str(corpus))
    out = tmp_path / f"out{suffix}"
    code, _, err = run(capsys, "export", "--db", db, "-o", str(out), "--actor", "Russia", "--actor", "Ukraine",
                       "--outlet", "Other Wire", "--from", "2023-01-01", "--q", "TALKS")
    assert code == 0 and "1 positions" in err
    df = {".jsonl": lambda p: pd.read_json(p, lines=True), ".csv": pd.read_csv, ".parquet": pd.read_parquet}[suffix](out)
    assert list(df["sentence"]) == ["Moscow demanded talks."]


def test_export_rejects_bad_dates_and_formats(tmp_path, corpus, capsys):
    db = str(tmp_path / "x.duckdb")
    code, _, err = run(capsys, "export", "--db", db, "-o", str(tmp_path / "o.jsonl"), "--from", "14/02/2022")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = run(capsys, "export", "--db", db, "-o", str(tmp_path / "o.xlsx"))
    assert code == 1 and "unknown output format" in err
    code, _, err = run(capsys, "export", "--db", db, "-o", str(tmp_path / "o.jsonl"), "--min-confidence", "high")
    assert code == 2 and "a confidence is a number from 0 to 1" in err


def test_export_with_a_minimum_confidence(tmp_path, corpus, capsys):
    db = str(tmp_path / "c.duckdb")
    run(capsys, "ingest", "--db", db, str(corpus))
    everything, sure = tmp_path / "all.jsonl", tmp_path / "sure.jsonl"
    assert run(capsys, "export", "--db", db, "-o", str(everything))[0] == 0
    scores = pd.read_json(everything, lines=True)["confidence"]
    cut = float(scores.median())
    assert run(capsys, "export", "--db", db, "-o", str(sure), "--min-confidence", str(cut))[0] == 0
    kept = pd.read_json(sure, lines=True)["confidence"]
    assert len(kept) == int((scores >= round(cut, 2)).sum()) and (kept >= round(cut, 2)).all()


def test_reextract(tmp_path, corpus, capsys, monkeypatch):
    db = str(tmp_path / "r.duckdb")
    monkeypatch.setattr(core, "EXTRACTOR_VERSION", "old")
    run(capsys, "ingest", "--db", db, str(corpus))
    monkeypatch.setattr(core, "EXTRACTOR_VERSION", "new")
    code, _, err = run(capsys, "reextract", "--db", db)
    assert code == 0 and "2 articles re-extracted (4 -> 4 positions)" in err
    assert "0 articles re-extracted" in run(capsys, "reextract", "--db", db)[2]
    assert "2 articles re-extracted" in run(capsys, "reextract", "--db", db, "--all")[2]


@pytest.mark.slow
def test_busy_database_message_not_traceback(tmp_path, corpus, capsys, monkeypatch):
    import core.storage.store
    db = tmp_path / "busy.duckdb"
    core.storage.store.open_store(db)
    monkeypatch.setattr(core.storage.store, "DEFAULT_BUSY_TIMEOUT", 0.3)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\nc = duckdb.connect(sys.argv[1])\n"
                               "print('locked', flush=True)\ntime.sleep(4)\n", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        code, _, err = run(capsys, "stats", "--db", str(db))
        assert code == 1 and "the database is busy" in err and "Traceback" not in err
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("command", [["export"], ["audit"], ["shifts"]])
def test_unwritable_output_is_an_error_not_a_traceback(tmp_path, corpus, capsys, command):
    db = str(tmp_path / "w.duckdb")
    run(capsys, "ingest", "--db", db, str(corpus))
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    code, _, err = run(capsys, *command, "--db", db, "-o", str(blocker / "out.csv"))
    assert code == 1 and "cannot write" in err and "choose another -o path" in err


@pytest.mark.parametrize("command", [["audit"], ["shifts"]])
def test_review_outputs_create_their_folder_like_export(tmp_path, corpus, capsys, command):
    db = str(tmp_path / "w.duckdb")
    run(capsys, "ingest", "--db", db, str(corpus))
    out = tmp_path / "new" / "dir" / "out.csv"
    assert run(capsys, *command, "--db", db, "-o", str(out))[0] == 0 and out.exists()


def test_stats_of_an_empty_database_offers_the_sample(tmp_path, capsys):
    code, out, _ = run(capsys, "stats", "--db", str(tmp_path / "empty.duckdb"))
    assert code == 0 and "articles   0" in out and "python -m core ingest --sample" in out
    assert "actor " not in out  # no empty top-values lines


def test_empty_export_names_filter_values_nothing_has(tmp_path, corpus, capsys):
    db = str(tmp_path / "u.duckdb")
    run(capsys, "ingest", "--db", db, str(corpus))
    code, _, err = run(capsys, "export", "--db", db, "-o", str(tmp_path / "o.csv"), "--actor", "russia")
    assert code == 0 and "0 positions" in err
    assert "no position has actor 'russia'; stored values: " in err and "Russia" in err


def test_sort_stores_later_ingests_in_order_and_keeps_every_row(tmp_path, corpus, capsys):
    db = tmp_path / "p.duckdb"
    assert run(capsys, "ingest", "--db", str(db), str(corpus), "--no-progress")[0] == 0
    from core.storage.store import open_store

    def scan():
        with open_store(db).connect() as conn:
            return conn.execute("SELECT actor, date, position_id FROM positions").fetchall()

    before = scan()
    assert before != sorted(before)   # ingested in arrival order
    code, out, _ = run(capsys, "sort", "--db", str(db))
    assert code == 0 and f"stored {len(before)} positions in (actor, date) order" in out
    after = scan()
    assert after == sorted(after) and sorted(after) == sorted(before)
