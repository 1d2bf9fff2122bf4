"""core.measure.accuracy: per-stance figures from the stored report, the shared scorer, or a plain 'none'."""
from __future__ import annotations

import json

from core.measure.accuracy import load_accuracy

REPORT = {"articles": 2, "L1": {"precision": 0.5, "recall": 0.25, "f1": 0.33, "tp": 1, "gold": 4, "pred": 2},
          "per_stance_L1": {"demand": {"precision": 1.0, "recall": 0.5, "f1": 0.67, "tp": 1, "gold": 2, "pred": 1}}}


def test_absent_says_so(tmp_path):
    acc = load_accuracy(tmp_path, shared=tmp_path / "no-shared")
    assert not acc.available and "absent" in acc.source and acc.table.empty


def test_stored_report_wrapped_or_not(tmp_path):
    (tmp_path / "models").mkdir()
    for data in (REPORT, {"extractor_version": "0.2.0", "report": REPORT},
                 {**REPORT, "run": {"extractor_version": "0.2.0", "when": "2026-11-28T21:00:00Z"}}):
        (tmp_path / "models" / "eval_report.json").write_text(json.dumps(data))
        acc = load_accuracy(tmp_path, shared=tmp_path / "no-shared")
        assert acc.available and "eval_report.json" in acc.source
        demand = acc.table.set_index("stance").loc["demand"]
        assert (demand["precision"], demand["recall"]) == (1.0, 0.5)
        assert len(acc.table) == 9 and acc.overall["L1"]["f1"] == 0.33
    assert acc.extractor_version == "0.2.0" and acc.when == "2026-11-28T21:00:00Z"


def test_broken_report_is_named(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "eval_report.json").write_text("{not json")
    acc = load_accuracy(tmp_path, shared=tmp_path / "no-shared")
    assert not acc.available and "could not be read" in acc.source


def test_scored_now_with_the_shared_scorer(tmp_path, shared_dir):
    """Our own two-row gold and prediction, scored by the real shared scorer script."""
    shared = tmp_path / "shared"
    (shared / "eval").mkdir(parents=True)
    (shared / "gold").mkdir()
    (shared / "eval" / "score.py").write_text((shared_dir / "eval" / "score.py").read_text())
    gold = [{"article_id": "a", "sentence": "Moscow demanded that NATO halt its expansion.", "actor": "Russia",
             "stance": "demand", "issue": "nato_enlargement"},
            {"article_id": "a", "sentence": "Kyiv said it was ready for talks with Moscow.", "actor": "Ukraine",
             "stance": "dialogue", "issue": "negotiations"}]
    (shared / "gold" / "dev.jsonl").write_text("\n".join(json.dumps(g) for g in gold))
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "dev_predictions.jsonl").write_text(json.dumps(gold[0]))
    acc = load_accuracy(tmp_path, shared=shared)
    assert acc.available and "Computed now" in acc.source
    rows = acc.table.set_index("stance")
    assert rows.loc["demand", "precision"] == 1.0 and rows.loc["dialogue", "recall"] == 0.0


def test_cross_validated_figures_are_carried_beside_the_held_in_ones(tmp_path):
    (tmp_path / "models").mkdir()
    data = {**REPORT, "note": "dev figures are held-in",
            "model": {"cv": {"L1_f1": 0.4, "L2_f1": 0.25, "per_stance_f1": {"demand": 0.45}}}}
    (tmp_path / "models" / "eval_report.json").write_text(json.dumps(data))
    acc = load_accuracy(tmp_path, shared=tmp_path / "no-shared")
    table = acc.table.set_index("stance")
    assert table.loc["demand", "f1_unseen"] == 0.45 and table.loc["demand", "f1"] == 0.67
    assert acc.unseen["L1_f1"] == 0.4 and acc.note == "dev figures are held-in"


def _with_cuts(cuts):
    from core.measure.accuracy import from_report

    return from_report({"per_stance_L1": {"demand": {"precision": 0.5}},
                        "model": {"cv": {"by_confidence": cuts}}}, "test")


CUTS = [{"min_confidence": 0.2, "precision": 0.49, "recall": 0.4}, {"min_confidence": 0.3, "precision": 0.59},
        {"min_confidence": 0.4, "precision": 0.71, "recall": 0.19}, {"min_confidence": 0.5, "precision": 0.76}]


def test_likely_is_where_the_measured_precision_reaches_seven_in_ten():
    from core.measure.accuracy import likely_cut, trust_word

    acc = _with_cuts(CUTS)
    assert likely_cut(acc) == 0.4
    assert trust_word(0.45, cut=0.4) == "likely" and trust_word(0.4, cut=0.4) == "likely"
    assert trust_word(0.39, cut=0.4) == "uncertain"
    assert trust_word(0.1, reviewed=True, cut=0.4) == "reviewed"
    assert trust_word(None, cut=0.4) == "unscored" and trust_word(float("nan"), cut=0.4) == "unscored"
    assert trust_word(0.9, cut=None) == "unmeasured"
    assert likely_cut(_with_cuts([{"min_confidence": 0.2, "precision": 0.5}])) is None
    assert likely_cut(_with_cuts([])) is None


def test_trust_words_and_why_of_every_row():
    import pandas as pd

    from core.measure.accuracy import trust_legend, trust_words, why_column

    acc = _with_cuts(CUTS)
    df = pd.DataFrame({"confidence": pd.array([0.9, 0.2, 0.1, None], dtype="Float64"),
                       "review_status": ["unreviewed", "unreviewed", "accepted", "unreviewed"],
                       "cue": ["demanded", None, "x", pd.NA], "rule_id": ["demand.verb", "model", None, None]})
    assert trust_words(df, acc).tolist() == ["likely", "uncertain", "reviewed", "unscored"]
    assert why_column(df).tolist() == ['cue "demanded" · rule demand.verb', "rule model", 'cue "x"', ""]
    legend = trust_legend(acc)
    assert "at least 0.4" in legend and "71%" in legend and "49%" in legend
