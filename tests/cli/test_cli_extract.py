"""`python -m core extract` end to end on files written here: bad inputs named and skipped, good ones extracted.

Each extraction run loads spaCy (about 3 s), so the cases are combined into few runs.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from core.paths import ROOT

GOOD = [
    {"id": "good-1", "title": "Moscow demands", "outlet": "Example News", "published": "2022-02-14", "url": None,
     "text": "Moscow demanded that NATO halt its expansion. Russian Foreign Minister Sergei Lavrov said on Sunday "
             "that Russia would respond to any new deployment of NATO troops near its borders."},
    {"id": "good-2", "title": "NATO rejects", "outlet": "Example News", "published": "2022-02-15", "url": None,
     "text": "NATO rejected Russia's demand to halt its expansion. The alliance warned Moscow that an invasion "
             "of Ukraine would bring severe sanctions."},
]
LATIN1_TEXT = ("Ukraine's president said the café talks in Geneva had failed. Kyiv accused Moscow of "
               "preparing an invasion and urged NATO to send more weapons.")
BROKEN_OK = {"id": "broken-ok", "title": None, "outlet": None, "published": "2022-02-16", "url": None,
             "text": "The United States warned Russia that sanctions would follow any attack on Ukraine."}


def run_extract(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", "extract", "--no-progress", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def write_jsonl(path: Path, lines: list) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def inputs(tmp_path) -> dict[str, Path]:
    files = {
        "good": write_jsonl(tmp_path / "good.jsonl", GOOD),
        "binary": tmp_path / "blob.txt",
        "empty": tmp_path / "empty.txt",
        "latin1": tmp_path / "latin1.txt",
        "broken": write_jsonl(tmp_path / "broken.jsonl", [BROKEN_OK, '{"id": "x", "text": "no end']),
    }
    files["binary"].write_bytes(b"\x00\x01\x02\x03binary\x00" * 50)
    files["empty"].write_bytes(b"")
    files["latin1"].write_bytes(LATIN1_TEXT.encode("latin-1"))
    return files


@pytest.mark.slow
def test_bad_inputs_are_named_and_good_ones_extracted(tmp_path, inputs):
    out = tmp_path / "out.jsonl"
    proc = run_extract(*map(str, inputs.values()), "--published", "2022-02-17", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    err = proc.stderr
    assert f"{inputs['binary']}: binary file" in err
    assert f"{inputs['empty']}: empty file" in err
    assert f"{inputs['broken']}:2: broken JSON" in err
    assert f"skipped {inputs['latin1']}" not in err  # read as cp1252, not skipped
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    got = {r["article_id"] for r in rows}
    assert {"good-1", "good-2", "broken-ok"} <= got
    assert any(i.startswith("latin1-") for i in got), "the Latin-1 file should be read and extracted"
    assert all(r["sentence"] and r["actor"] and r["stance"] for r in rows)


@pytest.mark.slow
def test_nothing_readable_is_an_error(tmp_path, inputs):
    out = tmp_path / "out.jsonl"
    proc = run_extract(str(inputs["binary"]), str(inputs["empty"]), str(tmp_path / "missing.jsonl"), "-o", str(out))
    assert proc.returncode != 0
    assert "binary file" in proc.stderr and "empty file" in proc.stderr and "file not found" in proc.stderr
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_output_formats(tmp_path, inputs, suffix):
    out = tmp_path / f"out{suffix}"
    proc = run_extract(str(inputs["good"]), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    df = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    assert set(df["article_id"]) == {"good-1", "good-2"}
    assert {"sentence", "actor", "stance", "issue", "date", "date_precision"} <= set(df.columns)


def test_unknown_output_format_fails_before_extracting(tmp_path, capsys, monkeypatch):
    import core
    from core.cli import main

    def never(*a, **k):
        raise AssertionError("extraction ran before the output format was checked")
    monkeypatch.setattr(core, "extract_corpus", never)
    corpus = write_jsonl(tmp_path / "c.jsonl", GOOD)
    assert main(["extract", "--no-progress", str(corpus), "-o", str(tmp_path / "out.txt")]) == 2
    assert "unknown output format '.txt'" in capsys.readouterr().err
