"""`python -m core evaluate`: scores with the shared scorer, or skips with a clear message."""
from __future__ import annotations

import json

from core.cli import main
from core.measure.evaluate import SharedMissing, evaluate, format_report, load_scorer


def test_missing_shared_is_reported(tmp_path, capsys):
    assert main(["evaluate", "--shared", str(tmp_path)]) == 0
    assert "skipped" in capsys.readouterr().err


def test_missing_scorer_raises(tmp_path):
    try:
        load_scorer(tmp_path)
    except SharedMissing as err:
        assert "score.py" in str(err)
    else:
        raise AssertionError("expected SharedMissing")


def test_evaluate_on_seed_writes_report(shared_dir, tmp_path, nlp):
    gold = tmp_path / "gold.jsonl"
    seed = json.loads((shared_dir / "corpus" / "seed.jsonl").read_text().splitlines()[0])
    rows = [line for line in (shared_dir / "gold" / "dev.jsonl").read_text().splitlines()
            if json.loads(line)["article_id"] == seed["id"]]
    gold.write_text("\n".join(rows) + "\n")
    rep = evaluate(gold=gold, shared=shared_dir)
    assert rep["articles"] == 1 and rep["run"]["articles_extracted"] == 1
    assert 0.0 <= rep["L1"]["f1"] <= 1.0
    assert "L1" in format_report(rep)
    out = tmp_path / "r.json"
    assert main(["evaluate", "--shared", str(shared_dir), "--gold", str(gold), "--report", str(out)]) == 0
    assert json.loads(out.read_text())["articles"] == 1
