"""core.storage.export: exactly the filtered rows, the contract's columns first, readable by the shared scorer."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from core.filters import Filters
from core.ingest.ingest import ingest_articles
from core.schema import CONTRACT_COLUMNS
from core.storage.export import EXPORT_COLUMNS, export_frame, export_positions
from core.storage.store import open_store
from tests._store_helpers import article, stub_extract


@pytest.fixture()
def store(tmp_path):
    s = open_store(tmp_path / "e.duckdb")
    ingest_articles(s, [article(1), article(2, text="Washington warned Moscow. Moscow demanded talks.",
                                                published="2023-05-01")], extract=stub_extract)
    return s


def test_columns_start_with_the_contract(store):
    df = export_frame(store)
    assert list(df.columns) == list(EXPORT_COLUMNS)
    assert list(df.columns[:len(CONTRACT_COLUMNS)]) == list(CONTRACT_COLUMNS)


@pytest.mark.parametrize("suffix, read", [(".jsonl", lambda p: pd.read_json(p, lines=True, dtype=False)),
                                          (".csv", lambda p: pd.read_csv(p, dtype=str)),
                                          (".parquet", pd.read_parquet)])
def test_export_writes_the_filtered_rows(store, tmp_path, suffix, read):
    filters = Filters(actor=("Russia",), date_from=pd.Timestamp("2023-01-01").date())
    n = export_positions(store, filters, tmp_path / f"out{suffix}")
    df = read(tmp_path / f"out{suffix}")
    assert n == len(df) == 1 and list(df.columns) == list(EXPORT_COLUMNS)
    assert df["sentence"].tolist() == ["Moscow demanded talks."]
    assert len(store.query_positions(filters)) == n  # what the dashboard shows is what is exported


def test_empty_export_and_unknown_format(store, tmp_path):
    assert export_positions(store, Filters(actor=("Nobody",)), tmp_path / "none.jsonl") == 0
    with pytest.raises(ValueError, match="unknown output format"):
        export_positions(store, None, tmp_path / "out.xlsx")


@pytest.mark.slow
def test_shared_scorer_reads_a_jsonl_export(store, tmp_path, shared_dir):
    pred = tmp_path / "pred.jsonl"
    export_positions(store, None, pred)
    gold = tmp_path / "gold.jsonl"  # the same rows as gold: a perfect score proves every field was read
    gold.write_text(pred.read_text(encoding="utf-8"), encoding="utf-8")
    out = subprocess.run([sys.executable, str(shared_dir / "eval" / "score.py"), "--gold", str(gold),
                          "--pred", str(pred), "--json"], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    assert report["L1"]["f1"] == report["L2"]["f1"] == 1.0 and report["L1"]["tp"] == 4


def test_csv_cells_holding_lists_are_joined_not_repr(tmp_path):
    from core.storage.writers import to_csv, write_table
    path = tmp_path / "shifts.csv"
    df = pd.DataFrame({"kind": ["softened", "opened"], "to_outlets": [["Wire A", "Wire B"], []]})
    write_table(df, path)
    assert path.read_text(encoding="utf-8").splitlines() == ["kind,to_outlets", "softened,Wire A; Wire B", "opened,"]
    assert to_csv(df) == path.read_text(encoding="utf-8")
